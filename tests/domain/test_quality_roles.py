"""Who asks and who tells: a guide asking the visitor about the guide's own town, a doctor
telling the patient how the patient's head feels; and いる said of things. Natural exchanges in
the right direction are left alone."""

from __future__ import annotations

from lessonplan.domain.lesson import Dialogue, DialogueTurn, TargetText
from lessonplan.domain.quality import check_text_fields
from lessonplan.domain.quality.roles import animacy_issues, roles_reversed_issues


def dialogue(*turns: tuple[str, str]) -> Dialogue:
    return Dialogue(
        scenario="s",
        turns=[DialogueTurn(speaker=who, text=TargetText(surface=line)) for who, line in turns],
    )


def found(d: Dialogue) -> list[tuple[str, str]]:
    return [(i.code, i.path) for i in roles_reversed_issues(d)]


def test_a_guide_asking_the_visitor_about_the_guides_own_town_is_flagged() -> None:
    d = dialogue(
        ("Guide", "こんにちは。今日はよろしくお願いします。"),
        ("Guide", "この町について聞いてもいいですか。"),
        ("Visitor", "はい、どうぞ。"),
    )
    issues = roles_reversed_issues(d)
    assert [(i.code, i.path) for i in issues] == [
        ("dialogue.roles_reversed", "$.dialogue.turns[1].text.surface")
    ]
    assert "Guide asks about 町" in issues[0].message
    assert "the guide's own town" in issues[0].message


def test_a_visitor_asking_the_guide_about_the_town_is_the_right_way_round() -> None:
    d = dialogue(
        ("観光客", "すみません、この町の名物は何ですか。"),
        ("ガイド", "お団子が有名ですよ。あそこの店がおいしいです。"),
        ("観光客", "この辺にお寺はありますか。"),
        ("ガイド", "はい、駅の近くに古いお寺がありますよ。"),
    )
    assert found(d) == []


def test_a_doctor_telling_the_patient_about_the_patients_head_is_flagged() -> None:
    d = dialogue(
        ("Doctor", "今日はどうしましたか。"),
        ("Patient", "頭について聞いてもいいですか。"),
        ("Doctor", "はい。頭は痛いですよ。"),
    )
    assert found(d) == [
        ("dialogue.roles_reversed", "$.dialogue.turns[1].text.surface"),
        ("dialogue.roles_reversed", "$.dialogue.turns[2].text.surface"),
    ]


def test_a_doctor_asking_and_a_patient_telling_is_fine() -> None:
    d = dialogue(
        ("医者", "今日はどうしましたか。"),
        ("患者", "昨日の夜から頭が痛いんです。熱もあります。"),
        ("医者", "そうですか。喉はどうですか。"),
        ("患者", "喉は少し痛いです。"),
        ("医者", "では、この薬を1日3回飲んでください。"),
    )
    assert found(d) == []


def test_a_pair_is_checked_only_when_both_roles_speak() -> None:
    d = dialogue(("Patient", "頭について聞いてもいいですか。"), ("Friend", "うん、どうしたの？"))
    assert found(d) == []


def test_iru_said_of_a_thing_is_flagged_and_of_people_animals_and_need_is_not() -> None:
    assert [i.code for i in animacy_issues("テーブルの上にパンがいます。", "$")] == [
        "grammar.iru_for_thing"
    ]
    assert "ある" in animacy_issues("冷蔵庫に牛乳はいますか。", "$")[0].message
    for fine in (
        "公園に猫がいます。",
        "教室に学生がいます。",
        "田中さんはいますか。",
        "お金がいります。",
        "駅の前に本屋があります。",
        "雨が降っています。",
        "兄が二人います。",
    ):
        assert animacy_issues(fine, "$") == [], fine


def test_the_text_check_reports_iru_for_things_on_any_text_field() -> None:
    texts = [TargetText(surface="部屋に机があります。"), TargetText(surface="部屋に机がいます。")]
    issues = [i for i in check_text_fields(texts) if i.code == "grammar.iru_for_thing"]
    assert [i.path for i in issues] == ["$[1].surface"]
