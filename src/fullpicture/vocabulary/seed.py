"""The published shared language, as data: categories, CIN census factors, threshold defaults.

Loaded after every migrate (``apps.py``) and by data migrations. Slugs and codes never
change once published; names and definitions may be edited through
``vocabulary.services``, which keeps every earlier version.
"""

from __future__ import annotations

# (slug, name, definition, sort order). The first sixteen were published with the
# foundation (migration 0002) and their slugs are fixed; the rest come from the CIN census
# factors that had no shared home (docs/decisions/0010-shared-vocabulary.md).
CATEGORIES: list[tuple[str, str, str, int]] = [
    (
        "domestic_abuse",
        "Domestic abuse",
        "Controlling, coercive, threatening, violent or abusive behaviour between people aged 16"
        " or over who are, or have been, partners or family members, including where a child"
        " sees, hears or is affected by it.",
        0,
    ),
    (
        "mental_health",
        "Mental health",
        "Mental ill health of the child, a parent or carer, or another person in the household"
        " that affects the child's care or safety.",
        1,
    ),
    (
        "drugs_alcohol",
        "Drug and alcohol misuse",
        "Misuse of drugs or alcohol by the child, a parent or carer, or another person in the"
        " household.",
        2,
    ),
    (
        "offending",
        "Offending",
        "Offending by a parent, carer or household member, or by the child, and its impact on"
        " the family.",
        3,
    ),
    (
        "debt",
        "Debt and financial exclusion",
        "Rent arrears, unmanageable debt, loss of income or benefits, or financial exclusion.",
        4,
    ),
    (
        "neglect",
        "Neglect",
        "Persistent failure to meet a child's basic physical or emotional needs: food, clothing,"
        " shelter, supervision, medical care or education.",
        5,
    ),
    (
        "physical_injury",
        "Physical abuse or injury",
        "An injury to a child that is unexplained, or whose explanation does not fit, or any"
        " deliberate physical harm.",
        6,
    ),
    (
        "sexual_abuse",
        "Sexual abuse",
        "Forcing or enticing a child to take part in sexual activities, whether or not the child"
        " is aware of what is happening.",
        7,
    ),
    (
        "emotional_abuse",
        "Emotional abuse",
        "Persistent emotional maltreatment that severely affects a child's emotional development.",
        8,
    ),
    (
        "sexual_exploitation",
        "Child sexual exploitation",
        "A child under 18 coerced, manipulated or deceived into sexual activity in exchange for"
        " something the child needs or wants, or for the gain of the perpetrator.",
        9,
    ),
    (
        "missing",
        "Going or being missing",
        "A child whose whereabouts cannot be established, including missing from home, care or"
        " education.",
        10,
    ),
    (
        "self_harm",
        "Self-harm",
        "A child deliberately hurting themselves, or at risk of doing so.",
        11,
    ),
    (
        "school_attendance",
        "School attendance",
        "Persistent absence, lateness or a child missing from education.",
        12,
    ),
    (
        "missed_appointment",
        "Missed appointment",
        "A health or other appointment not kept, or a visit where nobody answered ('no access').",
        13,
    ),
    (
        "housing",
        "Housing",
        "Homelessness, unsuitable or overcrowded housing, eviction, or a change of address.",
        14,
    ),
    (
        "criminal_exploitation",
        "Child criminal exploitation and gangs",
        "A child coerced, manipulated or deceived into criminal activity, such as carrying drugs"
        " or money ('county lines'), or drawn into a gang.",
        15,
    ),
    (
        "trafficking",
        "Trafficking",
        "A child moved, recruited or harboured, within the UK or from abroad, so that they can be"
        " exploited.",
        16,
    ),
    (
        "harmful_practices",
        "Female genital mutilation and faith-linked abuse",
        "Female genital mutilation, or abuse linked to a belief in witchcraft, spirit possession"
        " or another faith or belief.",
        17,
    ),
    (
        "radicalisation",
        "Radicalisation",
        "A child being drawn into, or supporting, terrorism or extremist ideas that can lead to"
        " violence.",
        18,
    ),
    (
        "other",
        "Other",
        "A concern that fits no other category; describe it in the summary.",
        99,
    ),
]

# The DfE children in need census "factors identified at the end of assessment":
# (code, label, shared category slug or "", plain-English definition).
# Source and reasoning: docs/decisions/0010-shared-vocabulary.md.
_ABOUT = {
    "A": "the child",
    "B": "a parent or carer",
    "C": "another person living in the household",
}


def _trio(number: int, label: str, slug: str, meaning: str) -> list[tuple[str, str, str, str]]:
    return [
        (
            f"{number}{letter}",
            f"{label}: concerns about {who}",
            slug,
            f"{meaning} Concerns about {who}.",
        )
        for letter, who in _ABOUT.items()
    ]


CIN_FACTORS: list[tuple[str, str, str, str]] = [
    *_trio(1, "Alcohol misuse", "drugs_alcohol", "Drinking that harms the child's care or safety."),
    *_trio(2, "Drug misuse", "drugs_alcohol", "Drug use that harms the child's care or safety."),
    *_trio(3, "Domestic abuse", "domestic_abuse", "Domestic abuse affecting the child."),
    *_trio(4, "Mental health", "mental_health", "Mental ill health affecting the child's care."),
    *_trio(5, "Learning disability", "", "A learning disability that affects the child's care."),
    *_trio(
        6,
        "Physical disability or illness",
        "",
        "A physical disability or illness that affects the child's care.",
    ),
    ("7A", "Young carer", "", "The child looks after a family member who is ill or disabled."),
    (
        "8B",
        "Privately fostered: overseas child who intends to return",
        "",
        "A child from overseas cared for by someone who is not a close relative, planning to go"
        " home.",
    ),
    (
        "8C",
        "Privately fostered: overseas child who intends to stay",
        "",
        "A child from overseas cared for by someone who is not a close relative, planning to stay.",
    ),
    (
        "8D",
        "Privately fostered: UK child in an educational placement",
        "",
        "A UK child living with someone who is not a close relative to attend a school or course.",
    ),
    (
        "8E",
        "Privately fostered: UK child making alternative arrangements",
        "",
        "A UK child who has arranged to live with someone who is not a close relative.",
    ),
    ("8F", "Privately fostered: other", "", "Any other private fostering arrangement."),
    (
        "9A",
        "Unaccompanied asylum-seeking child",
        "",
        "A child seeking asylum in the UK without a parent or carer.",
    ),
    ("10A", "Going or being missing", "missing", "The child goes or has gone missing."),
    (
        "11A",
        "Child sexual exploitation",
        "sexual_exploitation",
        "The child is being, or is at risk of being, sexually exploited.",
    ),
    ("12A", "Trafficking", "trafficking", "The child has been, or may be, trafficked."),
    (
        "13A",
        "Gangs",
        "criminal_exploitation",
        "The child is involved with, or at risk from, gangs.",
    ),
    (
        "14A",
        "Socially unacceptable behaviour",
        "offending",
        "The child's behaviour puts them or others at risk, such as anti-social behaviour.",
    ),
    ("15A", "Self-harm", "self_harm", "The child hurts themselves on purpose."),
    ("16A", "Abuse or neglect: neglect", "neglect", "The child's basic needs are not met."),
    (
        "17A",
        "Abuse or neglect: emotional abuse",
        "emotional_abuse",
        "The child is persistently emotionally maltreated.",
    ),
    (
        "18B",
        "Abuse or neglect: physical abuse, child on child",
        "physical_injury",
        "The child is physically harmed by another child.",
    ),
    (
        "18C",
        "Abuse or neglect: physical abuse, adult on child",
        "physical_injury",
        "The child is physically harmed by an adult.",
    ),
    (
        "19B",
        "Abuse or neglect: sexual abuse, child on child",
        "sexual_abuse",
        "The child is sexually abused by another child.",
    ),
    (
        "19C",
        "Abuse or neglect: sexual abuse, adult on child",
        "sexual_abuse",
        "The child is sexually abused by an adult.",
    ),
    ("20", "Other", "other", "A factor that fits none of the others."),
    (
        "21",
        "No factors identified",
        "",
        "The assessment found none of these factors. It is not a concern, so it maps to no"
        " category.",
    ),
    (
        "22A",
        "Female genital mutilation",
        "harmful_practices",
        "The child has had, or is at risk of, female genital mutilation.",
    ),
    (
        "23A",
        "Abuse linked to faith or belief",
        "harmful_practices",
        "Abuse linked to a belief in witchcraft, spirit possession or another faith or belief.",
    ),
    (
        "24A",
        "Child criminal exploitation",
        "criminal_exploitation",
        "The child is being, or is at risk of being, criminally exploited.",
    ),
]


def cin_codes_for(slug: str) -> str:
    """The comma-separated CIN factor codes that map to a shared category."""
    return ",".join(code for code, _label, target, _d in CIN_FACTORS if target == slug)


# The continuum of need. Levels and domains are fixed; the words are each partnership's own.
THRESHOLD_DEFAULTS: dict[int, dict[str, str]] = {
    1: {
        "summary": "Children whose needs are met by their family and by services everyone can"
        " use: GPs, health visitors, schools and nurseries.",
        "child_development": "Growing and learning as expected for their age. Healthy, in"
        " school and attending well, with friends and someone to talk to.",
        "parenting_capacity": "Parents and carers keep the child safe, warm and fed, set"
        " boundaries and respond to the child's feelings.",
        "family_environment": "A stable home that is safe and big enough. The family has"
        " enough money and people around them who help.",
    },
    2: {
        "summary": "Children with additional needs that one agency alone cannot meet. Early"
        " help, with the family's agreement, stops problems growing.",
        "child_development": "Some delay in development or learning, attendance slipping,"
        " low mood or worrying behaviour, or a missed health check or immunisation.",
        "parenting_capacity": "Parents and carers are struggling: low mood, drinking more,"
        " inconsistent routines or boundaries, but they want help and accept it.",
        "family_environment": "Money worries, rent arrears, overcrowding, a recent move, or"
        " arguments at home that have not led to violence.",
    },
    3: {
        "summary": "Children in need (Children Act 1989, section 17): without services their"
        " health or development is likely to be significantly impaired.",
        "child_development": "Development or health is clearly suffering: persistent absence,"
        " weight falling away, repeated missed appointments, or the child says home is"
        " frightening.",
        "parenting_capacity": "Parents' drinking, drug use, mental ill health or a violent"
        " partner affects their care of the child. Help offered has not been taken up or has"
        " not worked.",
        "family_environment": "Domestic abuse incidents, eviction proceedings, no food in the"
        " house, or a household member who poses a risk to children.",
    },
    4: {
        "summary": "Children suffering, or likely to suffer, significant harm (section 47"
        " enquiry), or needing immediate protection. Phone the police on 999 if a child is in"
        " immediate danger.",
        "child_development": "An injury with no explanation or one that does not fit, a child"
        " who tells of abuse, a baby with bruising, or a child missing and at risk.",
        "parenting_capacity": "Parents cannot or will not keep the child safe: violence towards"
        " or in front of the child, a parent too intoxicated to care, or a parent who prevents"
        " professionals seeing the child.",
        "family_environment": "Serious domestic abuse (strangulation, weapons, escalating"
        " incidents), a known offender against children in the home, or the child has nowhere"
        " safe to stay.",
    },
}
