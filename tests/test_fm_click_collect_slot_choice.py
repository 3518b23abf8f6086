"""How the checkout names and groups pickup slots, without a database."""

from datetime import date

from fm_click_collect_tools import slot_choice

THURSDAY = date(2026, 12, 3)


def fr(day):
    return slot_choice.day_label(day, THURSDAY, "fr_FR", "Aujourd'hui", "Demain")


def test_today_and_tomorrow_are_said_in_words():
    assert fr(date(2026, 12, 3)) == "Aujourd'hui"
    assert fr(date(2026, 12, 4)) == "Demain"


def test_days_of_the_week_are_named_with_their_date_as_a_french_reader_says_them():
    assert fr(date(2026, 12, 5)) == "Samedi 5"
    assert fr(date(2026, 12, 9)) == "Mercredi 9"


def test_a_day_a_week_or_more_ahead_also_gives_its_month():
    assert fr(date(2026, 12, 10)) == "Jeudi 10 décembre"
    assert fr(date(2027, 1, 2)) == "Samedi 2 janvier"


def test_other_languages_use_their_own_names():
    label = slot_choice.day_label(date(2026, 12, 5), THURSDAY, "en_US")
    assert label == "Saturday 5"
    assert slot_choice.day_label(THURSDAY, THURSDAY, "en_US") == "Today"


def test_a_confirmation_names_the_day_in_full():
    assert slot_choice.full_day_label("2026-12-05", "fr_FR") == "Samedi 5 décembre 2026"


def test_slots_are_grouped_by_day_in_order_with_full_ones_marked():
    slots = [
        {"id": 1, "day": "2026-12-03", "start": "16:00", "remaining": 2},
        {"id": 2, "day": "2026-12-03", "start": "16:30", "remaining": 0},
        {"id": 3, "day": "2026-12-04", "start": "08:00", "remaining": 1},
        {"id": 4, "day": "2026-12-05", "start": "08:00", "remaining": 5},
    ]
    groups = slot_choice.group_by_day(slots, THURSDAY, "fr_FR", "Aujourd'hui", "Demain")
    assert [(g["label"], [s["id"] for s in g["slots"]]) for g in groups] == [
        ("Aujourd'hui", [1, 2]),
        ("Demain", [3]),
        ("Samedi 5", [4]),
    ]
    assert [s["status"] for s in groups[0]["slots"]] == ["free", "full"]
    assert groups[0]["slots"][0]["start"] == "16:00"
    assert groups[2]["day"] == "2026-12-05"


def test_no_slot_gives_no_group():
    assert slot_choice.group_by_day([], THURSDAY, "fr_FR") == []


def test_opening_hours_merge_following_days_with_the_same_hours():
    week = {d: [(14.0, 18.0), (8.0, 12.0)] for d in range(5)}
    week[5] = [(9.0, 12.5)]
    assert slot_choice.opening_hours_lines(week, "fr_FR") == [
        ("Lundi - Vendredi", "08:00 - 12:00, 14:00 - 18:00"),
        ("Samedi", "09:00 - 12:30"),
    ]


def test_a_closed_day_splits_the_week():
    week = {0: [(8.0, 20.0)], 1: [(8.0, 20.0)], 3: [(8.0, 20.0)], 4: [(8.0, 20.0)]}
    assert slot_choice.opening_hours_lines(week, "en_US") == [
        ("Monday - Tuesday", "08:00 - 20:00"),
        ("Thursday - Friday", "08:00 - 20:00"),
    ]
