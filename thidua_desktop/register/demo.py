"""Realistic generated communes: the --demo file, test data and benchmark data.

Names, ethnicities and places are those of a mountain commune of Tuyên Quang; statuses follow the
2015-2020 trend the plan aims at (poverty falling a few points a year, some relapse); incomes and
deprivations mostly agree with the recorded status, as after a real review, with a few that do not.
"""

from __future__ import annotations

import random
import uuid

from thidua_desktop import domain

FAMILY = [
    "Nguyễn",
    "Hoàng",
    "Nông",
    "Ma",
    "Triệu",
    "Bàn",
    "Lý",
    "Quan",
    "Hà",
    "Lục",
    "Đàm",
    "Chẩu",
    "Lường",
    "Trần",
    "Lê",
    "Phạm",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Dương",
    "Sùng",
    "Giàng",
    "Vàng",
]
MIDDLE_MALE = ["Văn", "Đức", "Hữu", "Xuân", "Minh", "Quang", "Thanh", "Tiến", "Ngọc", "Công"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Mỹ", "Hồng", "Kim"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khải",
    "Lâm",
    "Lợi",
    "Mạnh",
    "Nghĩa",
    "Phúc",
    "Quý",
    "Sơn",
    "Tài",
    "Thắng",
    "Tuấn",
    "Việt",
    "Ước",
    "Vượng",
    "Kiên",
]
GIVEN_FEMALE = [
    "Anh",
    "Châu",
    "Dung",
    "Giang",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Huệ",
    "Lan",
    "Liên",
    "Mai",
    "Nga",
    "Nhung",
    "Phượng",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuyết",
    "Xuân",
    "Yến",
    "Ánh",
]
ETHNICITIES = (
    ["Tày"] * 40 + ["Kinh"] * 20 + ["Dao"] * 18 + ["H'Mông"] * 10 + ["Nùng"] * 5 + ["Sán Chay"] * 4 + ["Cao Lan"] * 3
)
VILLAGE_NAMES = [
    "Nà Khà",
    "Khuổi Phầy",
    "Bản Lằn",
    "Nà Mụ",
    "Phiêng Tạ",
    "Khau Làng",
    "Nà Tông",
    "Bản Tính",
    "Nặm Đíp",
    "Pác Củng",
    "Lũng Piát",
    "Khuổi Xoan",
    "Nà Chác",
    "Tát Ngà",
    "Cốc Phát",
    "Nà Lá",
    "Bản Bó",
    "Nà Hiu",
    "Phai Vai",
    "Khuổi Sung",
]
LOAN_PROGRAMS = [
    ("Cho vay hộ nghèo - NHCSXH", "Chăn nuôi trâu, bò"),
    ("Cho vay hộ cận nghèo - NHCSXH", "Trồng rừng sản xuất"),
    ("Cho vay hộ mới thoát nghèo - NHCSXH", "Mở rộng chuồng trại"),
    ("Cho vay nước sạch và vệ sinh môi trường", "Xây nhà tiêu hợp vệ sinh"),
    ("Cho vay giải quyết việc làm", "Chế biến chè"),
]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def person_name(rng: random.Random, gender: str) -> str:
    middle, given = (MIDDLE_MALE, GIVEN_MALE) if gender == "male" else (MIDDLE_FEMALE, GIVEN_FEMALE)
    return f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}"


def cccd(serial: int, gender: str, birth_year: int) -> str:
    """A well-formed CCCD; distinct serials give distinct numbers (7919 is prime to 10^6)."""
    century = (birth_year // 100 - 19) * 2 + (1 if gender == "female" else 0)
    return f"008{century}{birth_year % 100:02d}{serial * 7919 % 10**6:06d}"


def _income(rng: random.Random, status: str, area: str) -> int:
    poor_line, near_line = (700_000, 1_000_000) if area == "rural" else (900_000, 1_300_000)
    if status == "poor":
        value = rng.randint(poor_line // 2, poor_line)
    elif status == "near_poor":
        value = rng.randint(poor_line + 1, near_line)
    else:
        value = rng.randint(near_line + 1, near_line * 3)
    return value // 10_000 * 10_000


def _deprivations(rng: random.Random, status: str, year: int) -> list[str]:
    keys = list(domain.indicators_for(year) or ())
    count = {"poor": rng.randint(2, 5), "near_poor": rng.randint(0, 2), "non_poor": rng.randint(0, 1)}[status]
    return rng.sample(keys, count)


def _judgement(rng: random.Random, p_yes: float, p_unknown: float = 0.1) -> bool | None:
    x = rng.random()
    if x < p_unknown:
        return None
    return x < p_unknown + (1 - p_unknown) * p_yes


def _trajectory(rng: random.Random, years: range) -> list[str]:
    """Statuses year by year: about 30% poor at the start, most leaving within a few years."""
    x = rng.random()
    status = "poor" if x < 0.30 else "near_poor" if x < 0.42 else "non_poor"
    out = []
    for _ in years:
        out.append(status)
        r = rng.random()
        if status == "poor":
            status = "near_poor" if r < 0.22 else "non_poor" if r < 0.30 else "poor"
        elif status == "near_poor":
            status = "non_poor" if r < 0.25 else "poor" if r < 0.29 else "near_poor"
        elif r < 0.012:
            status = "poor"  # relapse (tái nghèo)
    return out


def generate(
    households: int = 300,
    villages: int = 6,
    first_year: int = 2015,
    last_year: int = 2020,
    seed: int = 2017,
    meetings: bool = True,
) -> dict:
    """A whole commune as a dataset dict (shared/schema/thidua-dataset-v1)."""
    rng = random.Random(seed)
    years = range(first_year, last_year + 1)
    area = "rural"
    vills = []
    for i in range(villages):
        name = VILLAGE_NAMES[i % len(VILLAGE_NAMES)] + (
            f" {i // len(VILLAGE_NAMES) + 1}" if i >= len(VILLAGE_NAMES) else ""
        )
        vills.append(
            {
                "id": _uuid(rng),
                "name": f"Thôn {name}",
                "kind": "thon" if i % 4 else "ban",
                "years": [
                    {
                        "year": y,
                        "cultural_title": _judgement(rng, 0.6),
                        "ntm_participation": _judgement(rng, 0.85),
                        "budget_rotation_rule": _judgement(rng, 0.7),
                        "replicated_models": rng.randint(0, 4),
                        "community_resources_vnd": rng.randint(0, 60) * 5_000_000,
                        "assessments": {"mutual_help": _judgement(rng, 0.75)},
                    }
                    for y in years
                ],
            }
        )
    hhs = []
    for n in range(households):
        gender = "male" if rng.random() < 0.78 else "female"
        birth = rng.randint(1940, 1995)
        village = vills[n % villages] if n < villages else rng.choice(vills)
        statuses = _trajectory(rng, years)
        later = list(years)[1:]
        left_in = rng.choice(later[1:]) if later[1:] and rng.random() < 0.02 else None
        start = rng.choice(later) if later and rng.random() < 0.05 else first_year  # new households
        records = []
        for y, status in zip(years, statuses):
            if y < start or (left_in is not None and y >= left_in):
                continue
            records.append(
                {
                    "year": y,
                    "status": status,
                    "income_per_capita": _income(rng, status, area) if rng.random() > 0.05 else None,
                    "deprivations": _deprivations(rng, status, y) if rng.random() > 0.05 else None,
                    "cultural_family": _judgement(rng, 0.65),
                    "registered_to_exit": _judgement(rng, 0.5) if status != "non_poor" else None,
                    "assessments": {
                        "effort": _judgement(rng, 0.7),
                        "initiative": _judgement(rng, 0.4),
                        "supports_others": _judgement(rng, 0.35),
                        "role_model": _judgement(rng, 0.25),
                    },
                    "note": None,
                }
            )
        loans = []
        if "poor" in statuses or "near_poor" in statuses:
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                program, purpose = rng.choice(LOAN_PROGRAMS)
                y = rng.choice(list(years))
                loans.append(
                    {
                        "id": _uuid(rng),
                        "program": program,
                        "amount_vnd": rng.choice([10, 20, 30, 40, 50, 100]) * 1_000_000,
                        "disbursed_on": f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        "due_on": f"{y + 3}-06-30",
                        "purpose": purpose,
                        "used_as_intended": _judgement(rng, 0.92),
                        "repaid_on_time": _judgement(rng, 0.88),
                    }
                )
        hhs.append(
            {
                "id": _uuid(rng),
                "village_id": village["id"],
                "code": f"H{n + 1:05d}",
                "head": {
                    "name": person_name(rng, gender),
                    "gender": gender,
                    "birth_year": birth,
                    "ethnicity": rng.choice(ETHNICITIES),
                    "id_number": cccd(seed * 104729 + n, gender, birth) if rng.random() < 0.85 else None,
                    "single": rng.random() < 0.08,
                },
                "members": rng.randint(1, 9),
                "policy_household": rng.random() < 0.05,
                "left_in": left_in,
                "years": records,
                "loans": loans,
            }
        )
    return {
        "format": "thidua-dataset",
        "version": 1,
        "commune": {
            "code": "02191",
            "name": "Xã Hồng Thái",
            "province_code": "08",
            "province_name": "Tuyên Quang",
            "district_name": "Na Hang",
            "area": area,
            "region": "III",
            "poor_commune": True,
            "years": [
                {
                    "year": y,
                    "assessments": {
                        "socioeconomic_targets": _judgement(rng, 0.8),
                        "funds_settled_on_time": _judgement(rng, 0.8),
                        "mobilization": _judgement(rng, 0.85),
                        "reporting_on_time": _judgement(rng, 0.9),
                    },
                }
                for y in years
            ],
            "former_units": [],
        },
        "villages": vills,
        "households": hhs,
        "meetings": _meetings(rng, vills, hhs, years) if meetings else [],
        "nominations": [],
    }


def _meetings(rng: random.Random, villages: list, households: list, years: range) -> list[dict]:
    by_village: dict[str, list] = {}
    for hh in households:
        by_village.setdefault(hh["village_id"], []).append(hh)
    out = []
    for y in years:
        for v in villages:
            # The village considers its poor, near-poor and recently exited households, as it would.
            candidates = [
                h
                for h in by_village.get(v["id"], ())
                if any(r["year"] == y and r["status"] != "non_poor" for r in h["years"])
                or any(r["year"] == y - 1 and r["status"] == "poor" for r in h["years"])
            ]
            chosen = rng.sample(candidates, min(len(candidates), rng.randint(4, 10)))
            if not chosen:
                continue
            attendees = rng.randint(25, 70)
            listed = len(by_village[v["id"]])
            decisions = []
            for h in chosen:
                agree = rng.randint(attendees // 2, attendees) if rng.random() < 0.8 else rng.randint(0, attendees // 2)
                disagree = rng.randint(0, attendees - agree)
                decisions.append(
                    {
                        "household_id": h["id"],
                        "agree": agree,
                        "disagree": disagree,
                        "abstain": rng.randint(0, attendees - agree - disagree),
                    }
                )
            out.append(
                {
                    "id": _uuid(rng),
                    "village_id": v["id"],
                    "year": y,
                    "held_on": f"{y}-12-{rng.randint(1, 20):02d}",
                    "purpose": "emulation",
                    "chair": person_name(rng, "male"),
                    "secretary": person_name(rng, "female"),
                    "attendees": attendees,
                    "households_represented": rng.randint(listed * 2 // 3, listed),
                    "households_on_list": listed,
                    "decisions": decisions,
                    "place": f"Nhà văn hóa {v['name']}",
                    "officials": [
                        {"name": person_name(rng, "male"), "role": "Ban chỉ đạo xã"},
                        {"name": person_name(rng, "female"), "role": "Ủy ban MTTQ xã"},
                    ],
                }
            )
    return out
