"""Synthetic, household-heavy population written as per-agency CSV extracts.

Twins, siblings, a parent and child sharing a first name, couples, families that
move, typos, nicknames, swapped day and month, accents, missing identifiers. All
identifiers are synthetic: NHS numbers come from the 999 test range.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .identifiers import make_pnc_id, make_upn, nhs_check_digit
from .nicknames import _GROUPS

COLUMNS = [
    "source_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "nhs_number",
    "upn",
    "pnc_id",
    "recorded_at",
]
AGENCIES = ("police", "gp", "hospital", "school", "housing", "childrens_social_care", "probation")
REF_DATE = datetime.date(2026, 1, 1)

_EXTRA_F = [
    "Zoë",
    "Chloé",
    "Noémie",
    "Renée",
    "Siân",
    "Aoife",
    "Niamh",
    "Zofia",
    "Agnieszka",
    "Fatima",
    "Aisha",
    "Priya",
    "Amélie",
    "Maëlle",
    "Åsa",
    "Inès",
    "Katie",
    "Kate",
    "Elizabeth",
    "Margaret",
    "Rebecca",
    "Victoria",
    "Olivia",
]
_EXTRA_M = [
    "José",
    "Ciarán",
    "Seán",
    "Oisín",
    "Łukasz",
    "Mateusz",
    "Mohammed",
    "Omar",
    "Arjun",
    "Jérôme",
    "René",
    "Tomás",
    "William",
    "Robert",
    "Alexander",
    "Thomas",
    "James",
    "Michael",
    "Christopher",
    "Jack",
    "Harry",
    "Oliver",
]
_EXTRA_S = [
    "Müller",
    "Nowak",
    "Kowalski",
    "O'Brien",
    "O'Neill",
    "Ní Bhriain",
    "Smith-Jones",
    "Ahmed",
    "Khan",
    "Patel",
    "Begum",
    "Hussain",
    "Singh",
    "Nguyen",
    "Brontë",
    "Çelik",
    "Jóhannsson",
    "McDonald",
    "MacLeod",
]
_SUFFIXES = [
    "Road",
    "Street",
    "Avenue",
    "Lane",
    "Close",
    "Drive",
    "Crescent",
    "Court",
    "Gardens",
    "Terrace",
    "Way",
    "Grove",
    "Place",
]
_ABBREV = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Lane": "Ln",
    "Close": "Cl",
    "Drive": "Dr",
    "Crescent": "Cres",
    "Court": "Ct",
    "Gardens": "Gdns",
    "Terrace": "Terr",
    "Grove": "Gr",
    "Place": "Pl",
}
_TOWNS = [
    "Sharetown",
    "Millbridge",
    "Easthaven",
    "Northfield",
    "Kingsbury",
    "Oakley",
    "Ashford Vale",
    "Westmoor",
]
_AREAS = ["ST", "SH", "MB", "EH", "NF", "KB", "OK", "WM"]
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _weights(names: object) -> dict[str, float]:
    if isinstance(names, dict):
        return {str(k): float(v) for k, v in names.items()}
    return {str(n): 1.0 for n in names}  # type: ignore[attr-defined]


def _name_lists() -> tuple[list[str], np.ndarray, list[str], np.ndarray, list[str], np.ndarray]:
    try:
        from faker.providers.person.en_GB import Provider as P

        ff = _weights(P.first_names_female)
        fm = _weights(P.first_names_male)
        ln = _weights(P.last_names)
    except ImportError:  # pragma: no cover - faker is a dev dependency
        ff, fm, ln = {}, {}, {}
    for n in _EXTRA_F:
        ff.setdefault(n, 0.02)
    for n in _EXTRA_M:
        fm.setdefault(n, 0.02)
    for n in _EXTRA_S:
        ln.setdefault(n, 0.01)

    def norm(d: dict[str, float]) -> tuple[list[str], np.ndarray]:
        names = list(d)
        w = np.array([float(d[n]) for n in names])
        return names, w / w.sum()

    f_names, f_w = norm(ff)
    m_names, m_w = norm(fm)
    s_names, s_w = norm(ln)
    return f_names, f_w, m_names, m_w, s_names, s_w


_NICKS: dict[str, list[str]] = {}
for _g in _GROUPS:
    _NICKS.setdefault(_g[0], []).extend(n for n in _g[1:] if len(n) > 2)


def _nhs_numbers(n: int, rng: np.random.Generator) -> list[str]:
    prefixes = np.arange(999_000_000, 1_000_000_000, dtype=np.int64)
    digits = np.stack([(prefixes // 10**k) % 10 for k in range(8, -1, -1)], axis=1)
    total = (digits * np.arange(10, 1, -1)).sum(axis=1)
    check = 11 - total % 11
    check[check == 11] = 0
    ok = check != 10
    valid = prefixes[ok] * 10 + check[ok]
    if n > len(valid):
        raise ValueError(f"at most {len(valid)} people: the 999 NHS test range is finite")
    chosen = rng.choice(valid, size=n, replace=False)
    return [str(x) for x in chosen]


def _typo(s: str, rng: np.random.Generator) -> str:
    if len(s) < 3:
        return s
    i = int(rng.integers(1, len(s)))
    kind = int(rng.integers(0, 3))
    if kind == 0 and i < len(s) - 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if kind == 1:
        return s[:i] + s[i + 1 :]
    c = "aeiourstnl"[int(rng.integers(0, 10))]
    return s[:i] + c + s[i + 1 :]


def _strip_accents(s: str) -> str:
    from .normalise import strip_accents

    return strip_accents(s)


class _People:
    """Column arrays describing the true population."""

    def __init__(self, n_people: int, rng: np.random.Generator) -> None:
        f_names, f_w, m_names, m_w, s_names, s_w = _name_lists()
        pid: list[int] = []
        hh: list[int] = []
        sex: list[str] = []
        first: list[str] = []
        middle: list[str] = []
        surname: list[str] = []
        dob: list[int] = []
        role: list[str] = []
        n_hh = 0
        ref = REF_DATE.toordinal()
        # Pre-draw a large pool of random names to avoid per-call overheads.
        pool = max(1000, n_people * 2)
        fpool = rng.choice(len(f_names), size=pool, p=f_w)
        mpool = rng.choice(len(m_names), size=pool, p=m_w)
        spool = rng.choice(len(s_names), size=pool, p=s_w)
        fi = mi = si = 0

        def fname(sx: str) -> str:
            nonlocal fi, mi
            if sx == "F":
                fi = (fi + 1) % pool
                return f_names[fpool[fi]]
            mi = (mi + 1) % pool
            return m_names[mpool[mi]]

        def sname() -> str:
            nonlocal si
            si = (si + 1) % pool
            return s_names[spool[si]]

        def add(h: int, sx: str, fn: str, sn: str, d: int, r: str) -> None:
            pid.append(len(pid))
            hh.append(h)
            sex.append(sx)
            first.append(fn)
            middle.append(fname(sx) if rng.random() < 0.7 else "")
            surname.append(sn)
            dob.append(d)
            role.append(r)

        while len(pid) < n_people:
            h = n_hh
            n_hh += 1
            kind = rng.choice(5, p=[0.25, 0.18, 0.37, 0.14, 0.06])
            sn = sname()
            if kind == 4:  # elderly couple
                age = int(rng.integers(65, 90))
                d1 = ref - age * 365 - int(rng.integers(0, 365))
                add(h, "M", fname("M"), sn, d1, "adult")
                add(h, "F", fname("F"), sn, d1 + int(rng.integers(-2000, 2000)), "adult")
                continue
            age = int(rng.integers(19, 60))
            d_adult = ref - age * 365 - int(rng.integers(0, 365))
            if kind == 0:
                sx = "F" if rng.random() < 0.5 else "M"
                add(h, sx, fname(sx), sn, d_adult, "adult")
                continue
            mother_first = fname("F")
            father_first = fname("M")
            mother_sn = sn
            if rng.random() < 0.15:
                mother_sn = sname()  # kept her own surname
            elif rng.random() < 0.05:
                mother_sn = f"{sname()}-{sn}"
            if kind in (1, 2):
                add(h, "M", father_first, sn, d_adult + int(rng.integers(-1500, 1500)), "adult")
                add(h, "F", mother_first, mother_sn, d_adult, "adult")
            else:  # single parent
                if rng.random() < 0.85:
                    add(h, "F", mother_first, sn, d_adult, "adult")
                else:
                    add(h, "M", father_first, sn, d_adult, "adult")
            if kind == 1:
                continue
            n_births = int(rng.choice([1, 2, 3, 4], p=[0.35, 0.4, 0.18, 0.07]))
            mother_age = min(age, 45)
            birth = d_adult + int(rng.integers(18, max(19, mother_age - 1))) * 365
            used: set[str] = set()
            for _b in range(n_births):
                if birth > ref - 30:
                    break
                twins = 2 if rng.random() < 0.04 else 1
                for _t in range(twins):
                    sx = "F" if rng.random() < 0.5 else "M"
                    fn = fname(sx)
                    while fn in used:
                        fn = fname(sx)
                    if _t == 0 and rng.random() < 0.04:
                        fn = father_first if sx == "M" else mother_first
                    used.add(fn)
                    add(h, sx, fn, sn, birth, "child")
                birth += int(rng.integers(400, 2000))
        self.n = len(pid)
        self.hh = np.array(hh)
        self.sex = sex
        self.first = first
        self.middle = middle
        self.surname = surname
        self.dob = np.array(dob)
        self.age = (ref - self.dob) / 365.25
        self.is_child = np.array([r == "child" for r in role])
        self.n_households = n_hh
        self.nhs = _nhs_numbers(self.n, rng)
        # Addresses: each household gets a current address; 15 % moved recently.
        n_streets = max(10, n_hh // 25)
        street_names = [
            f"{s_names[i]} {_SUFFIXES[j]}"
            for i, j in zip(
                rng.integers(0, len(s_names), n_streets),
                rng.integers(0, len(_SUFFIXES), n_streets),
                strict=True,
            )
        ]
        street_town = rng.integers(0, len(_TOWNS), n_streets)
        street_district = rng.integers(1, 30, n_streets)
        street_sector = rng.integers(0, 10, n_streets)

        taken: set[tuple[int, int, str]] = set()

        def address(k: int) -> tuple[str, str]:
            # One household to an address (flat, number and street): two families drawn
            # to the same one would be a household the truth does not know.
            while True:
                st = int(rng.integers(0, n_streets))
                num = int(rng.integers(1, 200))
                flat = f"Flat {int(rng.integers(1, 12))}, " if rng.random() < 0.12 else ""
                if (st, num, flat) not in taken and (st, num, "") not in taken:
                    break
            taken.add((st, num, flat))
            town = _TOWNS[street_town[st]]
            area = _AREAS[street_town[st]]
            inward = (
                f"{street_sector[st]}{_LETTERS[(num // 15 + st) % 20]}"
                f"{_LETTERS[(st * 7 + num // 15) % 20]}"
            )
            pc = f"{area}{street_district[st]} {inward}"
            return f"{flat}{num} {street_names[st]}, {town}", pc

        cur = [address(h) for h in range(n_hh)]
        moved = rng.random(n_hh) < 0.15
        old = [address(h) if moved[h] else cur[h] for h in range(n_hh)]
        self.cur_addr = cur
        self.old_addr = old
        self.moved = moved
        self.upn: list[str] = [""] * self.n
        self.pnc: list[str] = [""] * self.n
        la = rng.integers(200, 950, self.n)
        for i in range(self.n):
            if 4 <= self.age[i] < 19:
                self.upn[i] = make_upn(f"{la[i]:03d}{i:09d}")
        offender = (self.age >= 12) & (rng.random(self.n) < np.where(self.age >= 18, 0.07, 0.03))
        self.offender = offender
        years = rng.integers(1995, 2026, self.n)
        for j in np.flatnonzero(offender).tolist():
            self.pnc[j] = make_pnc_id(int(years[j]), j)
        self.maiden = [
            s_names[int(rng.integers(0, len(s_names)))]
            if (sex[i] == "F" and role[i] == "adult" and rng.random() < 0.3)
            else ""
            for i in range(self.n)
        ]
        self.csc_household = rng.random(n_hh) < 0.06
        self.housing_household = rng.random(n_hh) < 0.22


def _inclusion(p: _People, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = p.n
    u = lambda: rng.random(n)  # noqa: E731
    child_school = (p.age >= 4) & (p.age < 19)
    csc = p.csc_household[p.hh]
    housing = p.housing_household[p.hh] & ~p.is_child
    inc = {
        "gp": u() < 0.9,
        "hospital": u() < np.where(p.age < 5, 0.4, 0.22),
        "school": child_school & (u() < 0.95),
        "police": (u() < np.where(p.offender, 0.9, np.where(p.age >= 16, 0.05, 0.01))),
        "housing": housing & (u() < 0.9),
        "childrens_social_care": csc & (u() < 0.9),
        "probation": p.offender & (p.age >= 18) & (u() < 0.4),
    }
    return inc


def _record(
    p: _People, i: int, agency: str, rng: np.random.Generator
) -> tuple[str, str, str, str, str, str, str, str, str, str]:
    r = rng.random(24)
    fn = p.first[i]
    if r[0] < 0.1 and fn.lower() in _NICKS:
        nicks = _NICKS[fn.lower()]
        fn = nicks[int(rng.integers(0, len(nicks)))].capitalize()
    elif r[0] < 0.13:
        fn = _typo(fn, rng)
    if r[1] < 0.5:
        fn = _strip_accents(fn)
    if r[2] < 0.01:
        fn = ""
    sn = p.surname[i]
    if p.maiden[i] and agency not in ("gp",) and r[3] < 0.3:
        sn = p.maiden[i]
    if "-" in sn and r[4] < 0.3:
        sn = sn.split("-")[0]
    if r[5] < 0.02:
        sn = _typo(sn, rng)
    if r[6] < 0.5:
        sn = _strip_accents(sn)
    if r[7] < 0.2:
        fn, sn = fn.upper(), sn.upper()
    middle = p.middle[i] if r[8] < (0.6 if agency in ("gp", "hospital") else 0.2) else ""
    d = datetime.date.fromordinal(int(p.dob[i]))
    dob = d.isoformat()
    if r[9] < (0.06 if agency == "police" else 0.03):
        dob = ""
    elif r[10] < 0.015 and d.day <= 12 and d.day != d.month:
        dob = datetime.date(d.year, d.day, d.month).isoformat()
    elif r[11] < 0.015:
        dd = d.day % 10
        nd = (dd + int(rng.integers(1, 9))) % 10
        try:
            dob = datetime.date(d.year, d.month, d.day - dd + nd).isoformat()
        except ValueError:
            dob = d.isoformat()
    elif r[11] < 0.02:  # the year keyed one out
        yr = d.year + (1 if r[10] < 0.5 else -1)
        dob = datetime.date(yr, d.month, min(d.day, 28 if d.month == 2 else d.day)).isoformat()
    sex = p.sex[i]
    if r[12] < 0.03:
        sex = ""
    elif r[12] < 0.04:
        sex = "U"
    stale = agency in ("police", "hospital", "probation", "housing") and r[13] < 0.5
    addr, pc = (p.old_addr if stale else p.cur_addr)[p.hh[i]]
    if r[14] < 0.3:
        for full, ab in _ABBREV.items():
            addr = addr.replace(f" {full},", f" {ab},")
    if r[15] < 0.15:
        addr = addr.upper()
    if r[16] < 0.04:
        addr = ""
    if r[17] < 0.05:
        pc = ""
    elif r[17] < 0.065:
        pc = pc[:-1] + _LETTERS[int(rng.integers(0, 20))]
    elif r[18] < 0.2:
        pc = pc.replace(" ", "")
    nhs = ""
    rate = {
        "gp": 0.96,
        "hospital": 0.85,
        "childrens_social_care": 0.5,
        "school": 0.05,
        "police": 0.02,
        "probation": 0.1,
        "housing": 0.05,
    }[agency]
    if r[19] < rate:
        nhs = p.nhs[i]
        if r[20] < 0.01:
            k = int(rng.integers(0, 9))
            nhs = nhs[:k] + str((int(nhs[k]) + 1) % 10) + nhs[k + 1 :]
            if nhs_check_digit(nhs[:9]) == int(nhs[9]):  # still valid: blank it instead
                nhs = ""
        if r[21] < 0.3:
            nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if nhs else ""
    upn = p.upn[i] if agency in ("school", "childrens_social_care") and r[22] < 0.9 else ""
    pnc = p.pnc[i] if agency in ("police", "probation") and r[23] < 0.85 else ""
    if pnc and r[22] < 0.3:  # short form: 2-digit year, no leading zeros
        y, rest = pnc.split("/")
        pnc = f"{y[2:]}/{rest.lstrip('0')}"
    given = fn if fn else ""
    return given, sn, middle, dob, sex, addr, pc, nhs, upn, pnc


_SOURCE_ID: dict[str, Callable[[int], str]] = {
    "police": lambda k: f"WYP{k:08d}",
    "gp": lambda k: f"GP-{k:07d}",
    "hospital": lambda k: f"RXF{k:07d}",
    "school": lambda k: f"SCH/{k:06d}",
    "housing": lambda k: f"HSG-{k:06d}",
    "childrens_social_care": lambda k: f"LCS{k:07d}",
    "probation": lambda k: f"{'ABCDEFGHJKLMNPRSTUVWXYZ'[k % 23]}{k:06d}",
}


def _malform(value: str, rng: np.random.Generator) -> str:
    """An identifier as real extracts mangle it: a digit lost, one too many, a letter."""
    kind = int(rng.integers(0, 3))
    k = int(rng.integers(1, len(value)))
    if kind == 0:
        return value[:k] + value[k + 1 :]
    if kind == 1:
        return value[:k] + str(int(rng.integers(0, 10))) + value[k:]
    return value[:k] + "O" + value[k + 1 :]  # a letter O keyed for a zero


def synth_population(n_people: int, out_dir: Path, seed: int = 0, malformed: float = 0.0) -> None:
    """Write ``<agency>.csv`` for each agency, ``truth.csv`` (each record's person) and
    ``households.csv`` (each person's true household) into ``out_dir``.

    ``malformed`` is the share of identifier values (NHS number, UPN, PNC id) written
    in a shape the identifier never has, as real extracts carry some; drawn from a
    random stream of its own, so the population is otherwise the same.
    """
    rng = np.random.default_rng(seed)
    bad_rng = np.random.default_rng([seed, 1])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    people = _People(n_people, rng)
    inc = _inclusion(people, rng)
    truth: list[tuple[str, str, str]] = []
    for agency in AGENCIES:
        idx = np.flatnonzero(inc[agency])
        if agency == "hospital":  # some people have two hospital records
            idx = np.concatenate([idx, idx[rng.random(len(idx)) < 0.1]])
        rng.shuffle(idx)
        rec_days = rng.integers(0, 5 * 365, len(idx))
        path = out / f"{agency}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            for k, (i, days) in enumerate(zip(idx, rec_days, strict=True)):
                sid = _SOURCE_ID[agency](k + 1)
                rec = _record(people, int(i), agency, rng)
                if malformed:
                    rec = tuple(  # type: ignore[assignment]
                        _malform(v, bad_rng) if j >= 7 and v and bad_rng.random() < malformed else v
                        for j, v in enumerate(rec)
                    )
                recorded = (REF_DATE - datetime.timedelta(days=int(days))).isoformat()
                w.writerow([sid, *rec, recorded])
                truth.append((agency, sid, f"P{int(i):08d}"))
    pd.DataFrame(truth, columns=["agency", "source_id", "person_key"]).to_csv(
        out / "truth.csv", index=False
    )
    pd.DataFrame(
        {
            "person_key": [f"P{i:08d}" for i in range(len(people.hh))],
            "household_key": [f"H{int(h):08d}" for h in people.hh],
        }
    ).to_csv(out / "households.csv", index=False)


def load_population(out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records as a RecordIn-shaped frame with key 'AGENCY:source_id', truth frame)."""
    frames = []
    for agency in AGENCIES:
        path = Path(out_dir) / f"{agency}.csv"
        if not path.exists():
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df.insert(0, "key", agency + ":" + df["source_id"])
        frames.append(df)
    recs = pd.concat(frames, ignore_index=True)
    recs = recs.rename(columns={"family_name": "family_name"})
    truth = pd.read_csv(Path(out_dir) / "truth.csv", dtype=str, keep_default_na=False)
    truth["key"] = truth["agency"] + ":" + truth["source_id"]
    return recs, truth
