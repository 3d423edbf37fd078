"""The Japanese conjugation matcher used by the kit coverage checks."""

from __future__ import annotations

import pytest

from lessonplan.domain.inflection import contains_word, inflected_prefixes


@pytest.mark.parametrize(
    ("word", "text"),
    [
        # godan
        ("飲む", "薬を飲みます"),
        ("飲む", "一日三回飲んでください"),
        ("飲む", "お酒は飲まない"),
        ("飲む", "飲めば治ります"),
        ("飲む", "一緒に飲もう"),
        ("書く", "名前を書いて"),
        ("泳ぐ", "海で泳いだ"),
        ("話す", "日本語で話しました"),
        ("待つ", "ここで待ってください"),
        ("死ぬ", "花が死んでしまった"),
        ("遊ぶ", "公園で遊んだ"),
        ("買う", "何も買わなかった"),
        ("帰る", "家に帰ります"),
        ("帰る", "もう帰った"),
        ("入る", "お風呂に入って"),
        ("行く", "駅に行って"),
        ("行く", "京都へ行った"),
        ("持って帰る", "ゴミを持って帰りましょう"),
        # ichidan
        ("食べる", "ラーメンを食べて"),
        ("食べる", "朝ご飯を食べます"),
        ("食べる", "食べられない"),
        ("見る", "テレビを見ています"),
        ("起きる", "七時に起きました"),
        ("信じる", "信じない"),
        # irregular
        ("来る", "友達が来ました"),
        ("くる", "誰もこない"),
        ("持ってくる", "水を持ってきて"),
        ("する", "宿題をしました"),
        ("掃除する", "部屋を掃除しています"),
        ("掃除する", "部屋の掃除をしましょう"),
        ("勉強する", "毎日勉強すれば"),
        # adjectives
        ("高い", "高くて買えません"),
        ("高い", "とても高かった"),
        ("大きい", "大きければ"),
        ("短い", "このズボンは短すぎます"),  # a reviewer's 短すぎます read as 短い unused
        ("食べる", "昨日は食べすぎました"),
        ("いい", "天気がよかった"),
        ("有名な", "このお城は有名です"),
        ("人気の", "人気があります"),
        # non-inflecting
        ("ラーメン", "ラーメンが好き"),
        ("1日3回", "1日3回飲んでください"),
        ("きれい", "きれいな花"),
    ],
)
def test_matches_inflected_forms(word: str, text: str) -> None:
    assert contains_word(text, word)


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("飲む", "お茶をください"),
        ("食べる", "食堂に行く"),
        ("見る", "意見を言う"),  # 見 alone is not enough
        ("高い", "高校生です"),  # 高 + 校 is not an adjective form
        ("来る", "未来"),
        ("出る", "ゴミを出す"),  # 出す is another verb
        ("掃除する", "掃除機"),
        ("ラーメン", "うどん"),
        ("きれい", "きらい"),
        ("飲む", ""),
        ("", "何か"),
    ],
)
def test_rejects_unrelated_text(word: str, text: str) -> None:
    assert not contains_word(text, word)


def test_godan_and_ichidan_ru_verbs_get_their_own_forms() -> None:
    assert "帰り" in inflected_prefixes("帰る") and "帰て" not in inflected_prefixes("帰る")
    assert "見て" in inflected_prefixes("見る") and "見り" not in inflected_prefixes("見る")
    # Kana spellings shared by two verbs (変える/帰る) keep both sets of forms.
    assert {"かえて", "かえり"} <= inflected_prefixes("かえる")


def test_every_form_set_contains_the_word_itself() -> None:
    for word in ("飲む", "食べる", "する", "高い", "ラーメン", "x"):
        assert word in inflected_prefixes(word)
