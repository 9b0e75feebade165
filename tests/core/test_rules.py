from hypothesis import given
from hypothesis import strategies as st

from thidua_desktop.register import rules


def test_cccd_accepts_matching_gender_and_birth_year():
    assert rules.check_id_number("008085001234", "male", 1985) is None
    assert rules.check_id_number("008185001234", "female", 1985) is None
    assert rules.check_id_number("008201001234", "male", 2001) is None


def test_cccd_refuses_wrong_gender_digit_with_reason():
    msg = rules.check_id_number("008185001234", "male", 1985)
    assert "Chữ số thứ 4" in msg and "nữ" in msg and "nam" in msg


def test_cccd_refuses_wrong_century_and_year():
    assert "thế kỷ" in rules.check_id_number("008285001234", "male", 1985)
    assert "thứ 5-6" in rules.check_id_number("008086001234", "male", 1985)


def test_cccd_length_and_cmnd():
    assert rules.check_id_number("12345678", "male", 1980) is not None
    assert rules.check_id_number("0080850012a4", "male", 1985) is not None
    assert rules.check_id_number("123456789", "female", 1950) is None  # old CMND


@given(st.sampled_from(["male", "female"]), st.integers(1900, 2025), st.integers(0, 999999), st.integers(0, 999))
def test_cccd_built_from_gender_and_year_always_passes(gender, year, serial, province):
    code = (year // 100 - 19) * 2 + (gender == "female")
    number = f"{province:03d}{code}{year % 100:02d}{serial:06d}"
    assert rules.check_id_number(number, gender, year) is None
    other = "female" if gender == "male" else "male"
    assert rules.check_id_number(number, other, year) is not None


def test_deprivation_keys_follow_the_standard_of_the_year():
    assert rules.check_deprivations(2019, ["health_access", "water_source"]) is None
    assert "employment" in rules.check_deprivations(2019, ["employment"])
    assert rules.check_deprivations(2023, ["employment", "nutrition"]) is None
    assert "health_access" in rules.check_deprivations(2023, ["health_access"])
    assert "2028" in rules.check_deprivations(2028, ["employment"])


def test_no_record_in_or_after_the_year_left():
    assert rules.check_record_year(2018, 2019) is None
    assert "2019" in rules.check_record_year(2019, 2019)
    assert rules.check_record_year(2020, None) is None


@given(st.integers(0, 200), st.integers(0, 200), st.integers(0, 200), st.integers(-5, 400))
def test_vote_counts_within_attendees(agree, disagree, abstain, attendees):
    msg = rules.check_vote(agree, disagree, abstain, attendees)
    valid = attendees >= 1 and agree + disagree + abstain <= attendees
    assert (msg is None) == valid


def test_money_and_names():
    assert rules.check_money(-1) is not None
    assert rules.check_money(0) is None
    assert rules.check_name("   ") is not None
    assert rules.check_name("Lý Thị Mai") is None
    assert rules.check_birth_year(1850) is not None


def test_money_as_officers_type_it():
    assert rules.parse_money("1.500.000") == 1_500_000
    assert rules.parse_money("1500000") == 1_500_000
    assert rules.parse_money(" 700.000 đ ") == 700_000
    assert rules.parse_money("") is None
    for bad in ("1,5 triệu", "-5", "12.5", "1.50.000", "abc"):
        try:
            rules.parse_money(bad)
        except ValueError as exc:
            assert "số tiền" in str(exc).lower() or "âm" in str(exc)
        else:
            raise AssertionError(bad)


@given(st.integers(0, 10**12))
def test_money_formatted_reads_back(amount):
    from thidua_desktop.text import format_vnd

    assert rules.parse_money(format_vnd(amount)) == amount
    assert rules.parse_money(str(amount)) == amount
