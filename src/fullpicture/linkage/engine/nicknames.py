"""A small English nickname map: each group lists a formal name first, then the
short forms and variants that mean the same given name. A short form can sit in
several groups (Chris: Christopher, Christine); equivalence is "share a group"."""

from __future__ import annotations

_GROUPS: tuple[tuple[str, ...], ...] = (
    ("william", "bill", "billy", "will", "willy", "liam", "wills"),
    ("katherine", "kate", "katie", "kathy", "kath", "kat", "kitty", "catherine",
     "cathy", "cath", "kathryn", "katharine", "caitlin", "cate"),
    ("robert", "bob", "bobby", "rob", "robbie", "bert", "robby"),
    ("richard", "dick", "rick", "ricky", "rich", "richie"),
    ("elizabeth", "liz", "lizzie", "beth", "betty", "bess", "eliza", "libby", "elisabeth",
     "lisa", "betsy", "ellie", "liza"),
    ("margaret", "maggie", "meg", "peggy", "marge", "madge", "megan", "greta", "margo"),
    ("james", "jim", "jimmy", "jamie", "jem"),
    ("john", "jack", "johnny", "jon", "jonny"),
    ("jonathan", "jon", "jonny", "nathan"),
    ("thomas", "tom", "tommy"),
    ("charles", "charlie", "chas", "chuck", "chaz"),
    ("charlotte", "charlie", "lottie", "lotte", "char"),
    ("edward", "ed", "eddie", "ted", "teddy", "ned", "eddy"),
    ("edmund", "ed", "eddie", "ned"),
    ("alexander", "alex", "al", "sandy", "xander", "alec", "lex", "alexandre"),
    ("alexandra", "alex", "alexa", "lexi", "sandra", "sasha", "lexie", "alix"),
    ("christopher", "chris", "kit", "topher", "christophe"),
    ("christine", "chris", "chrissie", "tina", "christina", "kristina", "kirsty", "kirstie"),
    ("samuel", "sam", "sammy"),
    ("samantha", "sam", "sammy", "sammie"),
    ("daniel", "dan", "danny"),
    ("danielle", "dani", "ellie"),
    ("michael", "mike", "mick", "mickey", "micky", "mikey"),
    ("matthew", "matt", "matty"),
    ("benjamin", "ben", "benny", "benji"),
    ("nicholas", "nick", "nicky", "nico"),
    ("nicola", "nicky", "nikki", "nicole"),
    ("joseph", "joe", "joey", "jo"),
    ("josephine", "jo", "josie", "jose", "jojo"),
    ("joanne", "jo", "joanna", "jojo", "joan"),
    ("anthony", "tony", "ant", "antony"),
    ("andrew", "andy", "drew"),
    ("stephen", "steve", "steven", "stevie"),
    ("peter", "pete"),
    ("david", "dave", "davey", "davy"),
    ("susan", "sue", "susie", "suzy", "suzanne", "susanna"),
    ("deborah", "debbie", "deb", "debra"),
    ("rebecca", "becky", "becca", "bex"),
    ("victoria", "vicky", "vikki", "tori", "vicki"),
    ("jennifer", "jenny", "jen", "jenna"),
    ("patricia", "pat", "patty", "trish", "tricia"),
    ("patrick", "pat", "paddy"),
    ("abigail", "abby", "abbie", "gail"),
    ("olivia", "liv", "livvy", "ollie"),
    ("oliver", "ollie", "olly"),
    ("harold", "harry", "hal"),
    ("henry", "harry", "hal", "hank"),
    ("frederick", "fred", "freddie", "freddy"),
    ("timothy", "tim", "timmy"),
    ("gregory", "greg"),
    ("kenneth", "ken", "kenny"),
    ("leonard", "len", "lenny", "leo"),
    ("ronald", "ron", "ronnie"),
    ("donald", "don", "donny"),
    ("raymond", "ray"),
    ("gerald", "gerry", "jerry"),
    ("lawrence", "laurence", "larry", "laurie"),
    ("philip", "phil", "phillip", "pip"),
    ("terence", "terry", "terrence"),
    ("zachary", "zach", "zack", "zak"),
    ("joshua", "josh"),
    ("nathaniel", "nat", "nate", "nathan"),
    ("mohammed", "muhammad", "mohammad", "mohamed", "mohamad", "muhammed", "mo"),
    ("elinor", "eleanor", "ellie", "nell", "nellie", "ella", "elle", "leanor"),
    ("isabella", "bella", "izzy", "isabel", "isobel", "issy", "isabelle"),
    ("amelia", "millie", "amy", "mia"),
    ("emily", "em", "emmy", "milly"),
    ("emma", "em", "emmy"),
    ("jessica", "jess", "jessie"),
    ("lucy", "lucie", "lu"),
    ("sophie", "sophia", "soph", "sofia"),
    ("hannah", "hanna", "annie"),
    ("anne", "ann", "annie", "anna", "nancy", "anita", "hannah"),
    ("mary", "molly", "polly", "mae", "maria", "marie"),
    ("sarah", "sara", "sally", "sadie"),
    ("helen", "helena", "nell", "ellen", "elaine"),
    ("dorothy", "dot", "dottie", "dolly", "dora"),
    ("frances", "fran", "frankie", "fanny"),
    ("francis", "frank", "frankie"),
    ("gabriel", "gabe", "gabby"),
    ("gabrielle", "gabby", "gabi", "elle"),
    ("theodore", "theo", "ted", "teddy"),
    ("louis", "lou", "louie", "lewis"),
    ("louise", "lou", "lulu", "louisa"),
    ("natalie", "nat", "tally", "natasha", "tasha"),
    ("penelope", "penny", "pen"),
    ("ruby", "rubie"),
    ("zoe", "zoey", "zoie"),
    ("alfred", "alf", "alfie", "fred"),
    ("archibald", "archie", "archy"),
    ("stanley", "stan"),
    ("arthur", "art", "artie"),
    ("albert", "al", "bert", "bertie"),
    ("walter", "walt", "wally"),
    ("douglas", "doug", "dougie"),
    ("jacob", "jake", "jakey"),
    ("maximilian", "max", "maxim", "maximus"),
    ("cameron", "cam"),
    ("callum", "cal", "calum"),
    ("sebastian", "seb", "bastian"),
    ("tobias", "toby"),
    ("joel", "joe"),
    ("kieran", "kiernan", "ciaran"),
    ("sean", "shaun", "shawn"),
    ("stuart", "stewart", "stu"),
    ("geoffrey", "jeffrey", "geoff", "jeff"),
    ("graham", "grahame"),
    ("ian", "iain"),
    ("neil", "neal"),
    ("mathew", "matt"),
    ("aidan", "aiden", "aden"),
    ("jayden", "jaden", "jaiden"),
    ("leah", "lea", "lia"),
    ("layla", "leila", "laila", "lila"),
    ("evie", "eve", "eva", "evelyn"),
    ("florence", "flo", "florrie", "flora"),
    ("grace", "gracie"),
    ("jasmine", "jas", "jazz", "yasmin", "jasmin"),
    ("caroline", "carol", "carrie", "carolyn", "lina"),
    ("jacqueline", "jackie", "jacqui"),
    ("pamela", "pam"),
    ("valerie", "val"),
    ("beverley", "bev", "beverly"),
    ("gillian", "gill", "jill", "gilly"),
    ("kimberley", "kim", "kimberly"),
    ("rachel", "rach"),
    ("ashley", "ash"),
)


def _build() -> dict[str, tuple[str, ...]]:
    groups: dict[str, set[str]] = {}
    for group in _GROUPS:
        canon = group[0]
        for name in group:
            groups.setdefault(name, set()).add(canon)
    return {name: tuple(sorted(canons)) for name, canons in groups.items()}


NICKNAME_GROUPS: dict[str, tuple[str, ...]] = _build()


def name_groups(name: str) -> tuple[str, ...]:
    """Canonical groups a normalised given name belongs to (itself when unknown)."""
    return NICKNAME_GROUPS.get(name, (name,)) if name else ()


def nickname_equivalent(a: str, b: str) -> bool:
    """True when two normalised given names share a nickname group (or are equal)."""
    if not a or not b:
        return False
    return bool(set(name_groups(a)) & set(name_groups(b)))
