"""The benchmark profile set: twelve realistic learner profiles, each with a pre-lesson kit.

Used by the prompt tests (compact vs full tokens, fingerprints) and by ``benchmarks`` to measure
the planner prompt's saving. Realistic means what a product collects after onboarding and a few
weeks of use: long free-text goals, 30–80 known words, formality contexts, kits of 10–25 words
with readings and meanings. Pure data, built once at import.
"""

from __future__ import annotations

from typing import Any

from lessonplan.domain.models import LearnerProfile, PrelessonKit


def _words(spec: str) -> list[dict[str, str]]:
    """``surface|reading|meaning`` per line."""
    rows = [line.split("|") for line in spec.strip().splitlines()]
    return [{"surface": s.strip(), "reading": r.strip(), "meaning": m.strip()} for s, r, m in rows]


def _pairs(spec: str, first: str, second: str) -> list[dict[str, str]]:
    """``text|meaning`` per line, as ``{first: text, second: meaning}``."""
    rows = [line.split("|") for line in spec.strip().splitlines()]
    return [{first: a.strip(), second: b.strip()} for a, b in rows]


def _kit(words: str, grammar: str, phrases: str, **requirements: int) -> PrelessonKit:
    return PrelessonKit.model_validate(
        {
            "words": _words(words),
            "grammar": _pairs(grammar, "pattern", "meaning"),
            "phrases": _pairs(phrases, "text", "meaning"),
            "requirements": requirements,
        }
    )


def _profile(**fields: Any) -> LearnerProfile:
    for name in ("known_vocabulary", "known_grammar"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].split()
    return LearnerProfile.model_validate(fields)


RESTAURANT_TRAVELER = (
    _profile(
        learner_id="bench-01-restaurant",
        current_level="A1",
        native_language="English",
        learning_goals=[
            "Order food and drinks confidently in restaurants and izakaya during a three-week "
            "trip to Osaka and Kyoto next spring, without pointing at pictures all the time",
            "Understand what staff say when seating me, taking my order and bringing the bill",
            "Explain my shellfish allergy clearly and ask whether a dish contains it",
            "Chat a little with the owner of small family restaurants about the food",
        ],
        previous_knowledge="Six months of a phone app (hiragana, katakana, about 80 kanji); "
        "one evening class on travel phrases; I can read simple menus written in kana.",
        usage_context={
            "primary_use_case": "Eating out while travelling in Kansai: ramen shops, izakaya, "
            "department-store food halls and a kaiseki dinner at a ryokan",
            "register_preferences": ["polite"],
            "formality_contexts": {
                "restaurant staff": "polite",
                "ryokan hosts": "polite",
                "other travellers": "neutral",
            },
            "scenario_details": [
                "Being seated at a busy izakaya and ordering drinks first",
                "Buying a meal ticket at a ramen shop vending machine and asking for help",
                "Telling the waiter about a shellfish allergy before ordering",
                "Asking for the bill and paying separately with friends",
            ],
        },
        vocabulary_domain_goals=[
            "food and dishes",
            "drinks",
            "ingredients and allergens",
            "restaurant service",
            "numbers and prices",
        ],
        grammar_progression_goals=[
            "〜をください requests",
            "〜はありますか to ask for items",
            "〜が入っていますか to ask about ingredients",
            "counters for people and items",
        ],
        formulaic_expression_goals=[
            "いらっしゃいませ (understand)",
            "すみません",
            "お会計お願いします",
            "ごちそうさまでした",
            "いただきます",
        ],
        known_vocabulary=(
            "水 お茶 ビール コーヒー ご飯 パン 肉 魚 野菜 卵 ラーメン 寿司 すし 天ぷら うどん "
            "そば カレー 一つ 二つ 三つ 円 はい いいえ ありがとう すみません おいしい 高い 安い "
            "大きい 小さい これ それ あれ どれ 何 いくら メニュー 店 人 一人 二人 今 朝 昼 夜"
        ),
        known_grammar="です ですか AはBです これは〜です 〜ください",
        cultural_interests=[
            "izakaya culture",
            "regional food of Osaka",
            "tea ceremony",
            "etiquette with chopsticks",
            "tipping customs",
        ],
        cultural_background="Grew up in Manchester, UK; eats out often; no experience in Asia.",
        learning_preferences={
            "grammar_focus_areas": ["polite requests", "questions"],
            "exercise_types": ["role-play", "listening with audio", "flashcards"],
            "interaction_preferences": ["short dialogues", "practice with a partner"],
        },
    ),
    _kit(
        """
        注文|ちゅうもん|order
        お会計|おかいけい|the bill
        飲み物|のみもの|drink, beverage
        食べ物|たべもの|food
        辛い|からい|spicy
        甘い|あまい|sweet
        アレルギー|あれるぎー|allergy
        えび|えび|shrimp
        かに|かに|crab
        大盛り|おおもり|large portion
        おすすめ|おすすめ|recommendation
        予約|よやく|reservation
        席|せき|seat
        禁煙|きんえん|non-smoking
        箸|はし|chopsticks
        """,
        """
        〜をください|please give me ~
        〜は入っていますか|does it contain ~?
        """,
        """
        お会計お願いします|The bill, please.
        えびアレルギーがあります|I have a shrimp allergy.
        おすすめは何ですか|What do you recommend?
        """,
        min_words=8,
        min_grammar=2,
        min_phrases=2,
    ),
)

BUSINESS_MEETINGS = (
    _profile(
        learner_id="bench-02-business",
        current_level="B1",
        native_language="German",
        learning_goals=[
            "Take an active part in weekly project meetings with our Tokyo partner company, "
            "including giving short status updates and asking clarifying questions",
            "Use appropriate keigo with clients and senior managers without sounding stiff",
            "Write and understand short business emails and chat messages",
            "Build relationships with colleagues at after-work dinners (nomikai)",
            "Pass JLPT N3 within a year as a milestone",
        ],
        previous_knowledge="Two years of evening classes at a Volkshochschule, Genki I and II "
        "finished, about 600 kanji; I lived in Nagoya for three months on a work assignment.",
        usage_context={
            "primary_use_case": "Project coordination with a Japanese automotive supplier: "
            "meetings, video calls, emails and business dinners",
            "register_preferences": ["polite", "neutral"],
            "formality_contexts": {
                "clients": "polite (sonkeigo/kenjougo)",
                "own team in Tokyo": "polite",
                "colleagues at nomikai": "neutral",
                "emails": "polite",
            },
            "scenario_details": [
                "Giving a status update on delivery delays in a weekly meeting",
                "Asking a senior manager to repeat or clarify a point politely",
                "Rescheduling a video call by email",
                "Small talk with a client before a meeting starts",
                "Declining a second round at a nomikai politely",
            ],
        },
        vocabulary_domain_goals=[
            "meetings and schedules",
            "manufacturing and logistics",
            "business email phrases",
            "numbers, dates and deadlines",
            "keigo verbs",
        ],
        grammar_progression_goals=[
            "sonkeigo and kenjougo of common verbs",
            "〜ていただけますか requests",
            "〜ことになりました for decisions",
            "〜によると for reporting",
            "〜ため(に) for reasons",
        ],
        formulaic_expression_goals=[
            "お世話になっております",
            "恐れ入りますが",
            "よろしくお願いいたします",
            "お疲れ様です",
            "申し訳ございません",
        ],
        known_vocabulary=(
            "会議 会社 部長 課長 社長 仕事 予定 来週 今週 先週 月曜日 火曜日 水曜日 木曜日 "
            "金曜日 資料 メール 電話 時間 問題 質問 説明 報告 連絡 確認 準備 工場 製品 部品 "
            "注文 納期 遅れる 届く 送る 始める 終わる 決める 変える 手伝う 相談 計画 結果 "
            "売上 価格 品質 お客様 担当 出張 東京 名古屋 大阪 新幹線 飲み会 乾杯 同僚 上司 "
            "部下 会議室 オンライン 画面 共有"
        ),
        known_grammar=(
            "〜てください 〜てもいいですか 〜なければなりません 〜と思います 〜たことがあります "
            "〜ので 〜から 〜たら 〜ば 〜ながら 〜てしまう 〜ておく 〜そうです 〜ようです"
        ),
        cultural_interests=[
            "business etiquette",
            "nomikai culture",
            "manufacturing (monozukuri)",
            "seasonal greetings in emails",
            "baseball",
        ],
        cultural_background="Engineer from Stuttgart working for a German car-parts maker; "
        "used to direct communication, learning to read indirect refusals.",
        learning_preferences={
            "grammar_focus_areas": ["keigo", "connecting sentences"],
            "exercise_types": ["role-play", "email writing", "shadowing"],
            "interaction_preferences": ["realistic meeting simulations", "feedback on register"],
        },
    ),
    _kit(
        """
        打ち合わせ|うちあわせ|meeting, briefing
        議題|ぎだい|agenda item
        進捗|しんちょく|progress
        締め切り|しめきり|deadline
        延期|えんき|postponement
        調整|ちょうせい|adjustment, coordination
        見積もり|みつもり|estimate, quote
        承知しました|しょうちしました|understood (humble)
        伺う|うかがう|to ask, to visit (humble)
        拝見する|はいけんする|to look at (humble)
        ご覧になる|ごらんになる|to look at (honorific)
        いらっしゃる|いらっしゃる|to be, to come (honorific)
        資料|しりょう|materials, documents
        共有する|きょうゆうする|to share
        検討する|けんとうする|to consider
        """,
        """
        〜ていただけますか|could you please ~
        〜ことになりました|it has been decided that ~
        お〜する|humble form of a verb
        """,
        """
        お世話になっております|Thank you for your continued support.
        恐れ入りますが|I'm sorry to trouble you, but
        ご確認よろしくお願いいたします|Please kindly confirm.
        """,
        min_words=10,
        min_grammar=2,
        min_phrases=2,
    ),
)

CAREGIVER = (
    _profile(
        learner_id="bench-03-caregiver",
        current_level="A2",
        native_language="Tagalog",
        learning_goals=[
            "Work as a certified care worker (kaigo) in a nursing home in Saitama and "
            "communicate safely with residents, their families and senior staff",
            "Understand instructions from nurses about medication times and meals",
            "Write short daily care records in Japanese",
            "Pass the care worker national exam in three years",
        ],
        previous_knowledge="Nine months of pre-departure training in Manila (JLPT N4), "
        "six months working in the nursing home; I understand slow speech well.",
        usage_context={
            "primary_use_case": "Daily care work: meals, bathing, moving residents, reporting "
            "to nurses and talking with residents' families",
            "register_preferences": ["polite"],
            "formality_contexts": {
                "residents": "polite, gentle",
                "nurses and managers": "polite",
                "families": "polite (some keigo)",
                "fellow foreign staff": "plain",
            },
            "scenario_details": [
                "Helping a resident eat lunch and asking whether they are full",
                "Reporting a resident's fever to the nurse on duty",
                "Explaining to a family member how their mother spent the day",
            ],
        },
        vocabulary_domain_goals=[
            "body and health",
            "care actions",
            "meals and medicine",
            "time and frequency",
            "feelings and comfort",
        ],
        grammar_progression_goals=[
            "〜てもいいですか for permission",
            "〜ましょうか offers",
            "〜たほうがいいです advice",
            "〜そうです (looks like)",
        ],
        formulaic_expression_goals=["大丈夫ですか", "失礼します", "お大事に", "少々お待ちください"],
        known_vocabulary=(
            "体 頭 手 足 目 口 お腹 熱 薬 水 ご飯 朝ご飯 昼ご飯 晩ご飯 お風呂 トイレ 部屋 "
            "ベッド 車いす 看護師 家族 痛い 寒い 暑い 眠い 元気 大丈夫 食べる 飲む 寝る 起きる "
            "座る 立つ 歩く 手伝う 呼ぶ 待つ 毎日 今日 明日 午前 午後 一回 二回 少し ゆっくり"
        ),
        known_grammar="〜ます 〜てください 〜たいです 〜ています 〜ないでください 〜から",
        cultural_interests=[
            "Japanese elderly care",
            "seasonal events in nursing homes",
            "Japanese home cooking",
        ],
        cultural_background="From Batangas, Philippines; Catholic; worked as a nursing aide.",
        learning_preferences={
            "grammar_focus_areas": ["polite requests", "reporting"],
            "exercise_types": ["role-play", "listening", "short writing"],
            "interaction_preferences": ["workplace simulations"],
        },
    ),
    _kit(
        """
        体温|たいおん|body temperature
        血圧|けつあつ|blood pressure
        食事|しょくじ|meal
        介助|かいじょ|assistance, care
        飲み込む|のみこむ|to swallow
        服薬|ふくやく|taking medicine
        転ぶ|ころぶ|to fall down
        着替える|きがえる|to change clothes
        気分|きぶん|mood, feeling
        報告する|ほうこくする|to report
        様子|ようす|condition, appearance
        記録|きろく|record
        """,
        """
        〜ましょうか|shall I ~?
        〜てもいいですか|may I ~?
        """,
        """
        ご気分はいかがですか|How are you feeling?
        少々お待ちください|Please wait a moment.
        """,
        min_words=8,
        min_grammar=2,
        min_phrases=1,
    ),
)

EXCHANGE_STUDENT = (
    _profile(
        learner_id="bench-04-student",
        current_level="A2",
        native_language="Korean",
        learning_goals=[
            "Manage daily life as an exchange student at a university in Fukuoka for one year, "
            "from registering at the city office to living in a shared dormitory",
            "Join a university club and make Japanese friends",
            "Follow lectures given partly in Japanese and talk to professors in office hours",
            "Handle the city office, the bank and the dormitory office on my own",
        ],
        previous_knowledge="One year at a language school in Busan, JLPT N4; knows many "
        "Sino-Korean words so kanji compounds are easy, but keigo and particles are not.",
        usage_context={
            "primary_use_case": "Campus life: classes, club activities, dormitory, part-time job",
            "register_preferences": ["plain", "polite"],
            "formality_contexts": {
                "classmates and club members": "plain",
                "professors": "polite",
                "senpai in the club": "polite",
                "part-time job customers": "polite",
            },
            "scenario_details": [
                "Asking a professor for an extension during office hours",
                "Introducing myself at the first meeting of the tennis club",
                "Inviting a classmate to eat at the cafeteria",
                "Borrowing lecture notes from a friend",
            ],
        },
        vocabulary_domain_goals=[
            "university life",
            "clubs and hobbies",
            "schedules",
            "friendship and invitations",
        ],
        grammar_progression_goals=[
            "casual speech forms",
            "〜ませんか / 〜ない? invitations",
            "〜てもらう / 〜てくれる",
            "〜つもりです plans",
        ],
        formulaic_expression_goals=["よろしくね", "また明日", "お先に失礼します", "ごめん"],
        known_vocabulary=(
            "学校 大学 学生 先生 授業 宿題 試験 図書館 食堂 教室 寮 友達 先輩 後輩 クラブ "
            "テニス サッカー 音楽 映画 本 勉強 練習 アルバイト 電車 バス 自転車 駅 お金 "
            "休み 週末 時間 一緒に 行く 来る 帰る 会う 話す 読む 書く 聞く 見る 使う 借りる "
            "貸す 楽しい 忙しい 難しい 簡単 好き 嫌い"
        ),
        known_grammar=(
            "〜ます 〜ました 〜たいです 〜てください 〜ています 〜たことがある 〜から 〜けど"
        ),
        cultural_interests=[
            "university club culture",
            "Fukuoka food stalls (yatai)",
            "J-pop",
            "senpai-kouhai relationships",
        ],
        cultural_background="From Busan, South Korea; 21 years old; studies business.",
        learning_preferences={
            "grammar_focus_areas": ["casual vs polite speech"],
            "exercise_types": ["dialogues", "games", "chat practice"],
            "interaction_preferences": ["peer conversation", "texting style practice"],
        },
    ),
    _kit(
        """
        サークル|さーくる|university club
        部活|ぶかつ|club activities
        自己紹介|じこしょうかい|self-introduction
        専攻|せんこう|major
        留学生|りゅうがくせい|international student
        誘う|さそう|to invite
        締め切り|しめきり|deadline
        延ばす|のばす|to extend
        ノート|のーと|notes, notebook
        学食|がくしょく|university cafeteria
        空いている|あいている|to be free, available
        """,
        """
        〜ませんか|won't you ~? (invitation)
        〜てもらえますか|could you ~ for me?
        """,
        """
        よろしくお願いします|Nice to meet you / please treat me well.
        一緒に行かない？|Want to go together?
        """,
        min_words=7,
        min_grammar=2,
        min_phrases=2,
    ),
)

ANIME_FAN = (
    _profile(
        learner_id="bench-05-anime",
        current_level="A1",
        native_language="Portuguese (Brazil)",
        learning_goals=[
            "Understand simple lines in my favourite anime without subtitles, at least the "
            "greetings and everyday expressions the characters use all the time",
            "Talk about anime and manga with Japanese fans online and at events",
            "Visit Akihabara and Ikebukuro next year and shop for figures and manga",
        ],
        previous_knowledge="Self-taught with YouTube for a year; reads hiragana, katakana "
        "slowly; knows many words from anime but not how polite they are.",
        usage_context={
            "primary_use_case": "Fandom: chatting with fans online and shopping in Akihabara",
            "register_preferences": ["plain", "polite"],
            "formality_contexts": {
                "fans my age online": "plain",
                "shop staff": "polite",
                "event staff": "polite",
            },
            "scenario_details": [
                "Asking a shop clerk in Akihabara whether a figure is in stock",
                "Telling a new friend at an anime event which series I like and why",
                "Buying tickets for an anime film",
            ],
        },
        vocabulary_domain_goals=["anime and manga", "hobbies", "shopping", "likes and dislikes"],
        grammar_progression_goals=["〜が好きです", "〜はありますか", "〜たいです"],
        formulaic_expression_goals=["よろしく", "すごい", "マジで？", "ありがとうございます"],
        known_vocabulary=(
            "アニメ 漫画 マンガ 好き 大好き 友達 先生 学校 猫 犬 かわいい かっこいい すごい "
            "強い 弱い 本当 ありがとう ごめんなさい おはよう こんにちは こんばんは さようなら "
            "はい いいえ 何 誰 私 僕 俺 君 行く 見る 食べる 待って 大丈夫 夢 世界 魔法 "
            "ヒーロー 力 仲間 戦う"
        ),
        known_grammar="〜です 〜ます 〜が好きです",
        cultural_interests=[
            "anime",
            "manga",
            "cosplay",
            "Japanese video games",
            "Studio Ghibli films",
            "idol culture",
        ],
        cultural_background="From São Paulo (Liberdade district), 19 years old, design student.",
        learning_preferences={
            "grammar_focus_areas": ["everyday expressions"],
            "exercise_types": ["anime clips", "quizzes", "karaoke"],
            "interaction_preferences": ["fan chat simulations"],
        },
    ),
    _kit(
        """
        作品|さくひん|work (of art), title
        主人公|しゅじんこう|main character
        声優|せいゆう|voice actor
        フィギュア|ふぃぎゅあ|figure
        在庫|ざいこ|stock
        新刊|しんかん|new release (book)
        映画館|えいがかん|cinema
        チケット|ちけっと|ticket
        面白い|おもしろい|interesting, funny
        買う|かう|to buy
        探す|さがす|to look for
        """,
        """
        〜が好きです|I like ~
        〜はありますか|do you have ~?
        """,
        """
        これはありますか|Do you have this?
        どのアニメが好き？|Which anime do you like?
        """,
        min_words=6,
        min_grammar=2,
        min_phrases=1,
    ),
)

HOMESTAY = (
    _profile(
        learner_id="bench-06-homestay",
        current_level="A1",
        native_language="French",
        learning_goals=[
            "Live with a host family in Sendai for a six-week summer homestay and take part "
            "in family life: meals, chores, outings and small talk at dinner",
            "Thank my host family properly and explain things about life in France",
            "Avoid rude mistakes at home (shoes, bath, table manners)",
        ],
        previous_knowledge="One school year of Japanese as an optional subject at a lycée in "
        "Lyon; knows kana and about 50 kanji.",
        usage_context={
            "primary_use_case": "Homestay with a Japanese family, daily life at home",
            "register_preferences": ["polite", "plain"],
            "formality_contexts": {
                "host parents": "polite",
                "host siblings": "plain",
                "neighbours": "polite",
            },
            "scenario_details": [
                "Talking about my family at the dinner table",
                "Asking how to use the bath and the washing machine",
                "Offering to help with the dishes",
            ],
        },
        vocabulary_domain_goals=[
            "family members",
            "house and rooms",
            "daily routine",
            "food at home",
        ],
        grammar_progression_goals=["〜てもいいですか", "〜ましょうか", "〜ています"],
        formulaic_expression_goals=[
            "ただいま",
            "おかえりなさい",
            "いただきます",
            "ごちそうさまでした",
            "おやすみなさい",
        ],
        known_vocabulary=(
            "家 家族 父 母 兄 姉 弟 妹 お父さん お母さん 部屋 台所 トイレ 玄関 靴 テレビ "
            "ご飯 朝 夜 学校 友達 フランス 日本 はい いいえ ありがとう すみません 好き "
            "おいしい 食べる 飲む 見る 行く 寝る 起きる"
        ),
        known_grammar="〜です 〜ます 〜ません 〜ましょう",
        cultural_interests=[
            "Japanese home life",
            "summer festivals (Tanabata in Sendai)",
            "Japanese cooking",
            "onsen",
        ],
        cultural_background="16-year-old from Lyon; lives with parents and a younger brother.",
        learning_preferences={
            "grammar_focus_areas": ["asking permission"],
            "exercise_types": ["picture cards", "role-play", "songs"],
            "interaction_preferences": ["family conversation practice"],
        },
    ),
    _kit(
        """
        お風呂|おふろ|bath
        洗濯機|せんたくき|washing machine
        お皿|おさら|plate, dish
        洗う|あらう|to wash
        手伝う|てつだう|to help
        使う|つかう|to use
        晩ご飯|ばんごはん|dinner
        お土産|おみやげ|souvenir, gift
        祖父|そふ|grandfather
        祖母|そぼ|grandmother
        """,
        """
        〜てもいいですか|may I ~?
        〜ましょうか|shall I ~?
        """,
        """
        ただいま|I'm home.
        お皿を洗いましょうか|Shall I wash the dishes?
        """,
        min_words=6,
        min_grammar=2,
        min_phrases=2,
    ),
)

RETIREE_TOURIST = (
    _profile(
        learner_id="bench-07-retiree",
        current_level="A2",
        native_language="English",
        learning_goals=[
            "Travel independently around Japan for two months by rail with my wife, staying in "
            "ryokan and minshuku in the countryside where little English is spoken",
            "Ask for directions, buy train tickets and understand station announcements",
            "Have friendly conversations with ryokan owners and other guests about travel",
            "Read temple and shrine signs and understand the basics of what they say",
        ],
        previous_knowledge="Retired history teacher; three years of weekly lessons with a "
        "tutor; can read about 300 kanji; one previous trip to Tokyo and Kyoto.",
        usage_context={
            "primary_use_case": "Rail travel and countryside inns: stations, temples, onsen",
            "register_preferences": ["polite"],
            "formality_contexts": {
                "station staff": "polite",
                "ryokan owners": "polite",
                "other guests": "polite",
            },
            "scenario_details": [
                "Buying a reserved seat on a limited express at the ticket office",
                "Asking a ryokan owner about dinner time and bath hours",
                "Asking a local for the way to a temple",
            ],
        },
        vocabulary_domain_goals=[
            "trains and stations",
            "directions",
            "temples and shrines",
            "inns and onsen",
            "weather and seasons",
        ],
        grammar_progression_goals=[
            "〜たいんですが to start requests",
            "〜はどこですか",
            "〜てから sequences",
            "〜までどのくらいかかりますか",
        ],
        formulaic_expression_goals=[
            "すみません、ちょっといいですか",
            "お世話になりました",
            "お願いします",
            "助かりました",
        ],
        known_vocabulary=(
            "駅 電車 新幹線 切符 ホーム 出口 入口 右 左 まっすぐ 近い 遠い 地図 お寺 神社 "
            "旅館 温泉 部屋 朝ご飯 晩ご飯 何時 何分 一時間 天気 雨 晴れ 暑い 寒い 山 川 海 "
            "町 村 道 橋 写真 撮る 乗る 降りる 着く 出る 泊まる 予約 荷物 鍵"
        ),
        known_grammar=(
            "〜ます 〜ました 〜たいです 〜てください 〜てもいいですか 〜から 〜まで 〜に行きます"
        ),
        cultural_interests=[
            "Buddhist temples",
            "Japanese history (Edo period)",
            "onsen etiquette",
            "local railways",
            "gardens",
        ],
        cultural_background="68-year-old from Ohio, USA; travels with his wife.",
        learning_preferences={
            "grammar_focus_areas": ["polite questions"],
            "exercise_types": ["reading signs", "listening to announcements", "role-play"],
            "interaction_preferences": ["slow, clear dialogues"],
        },
    ),
    _kit(
        """
        特急|とっきゅう|limited express
        指定席|していせき|reserved seat
        自由席|じゆうせき|non-reserved seat
        乗り換え|のりかえ|transfer
        片道|かたみち|one way
        往復|おうふく|round trip
        番線|ばんせん|platform number
        発車|はっしゃ|departure
        改札|かいさつ|ticket gate
        大浴場|だいよくじょう|large communal bath
        夕食|ゆうしょく|dinner
        朝食|ちょうしょく|breakfast
        何時まで|なんじまで|until what time
        """,
        """
        〜たいんですが|I'd like to ~ (opening a request)
        〜までどのくらいかかりますか|how long does it take to ~?
        """,
        """
        指定席をお願いします|A reserved seat, please.
        お世話になりました|Thank you for your hospitality.
        """,
        min_words=9,
        min_grammar=2,
        min_phrases=2,
    ),
)

HOSPITAL_NURSE = (
    _profile(
        learner_id="bench-08-nurse",
        current_level="B1",
        native_language="Vietnamese",
        learning_goals=[
            "Work as a nurse in a hospital in Osaka under the EPA programme and pass the "
            "national nursing exam written entirely in Japanese",
            "Explain procedures and medication schedules to patients clearly and kindly",
            "Understand doctors' instructions and handovers between shifts",
            "Read medical charts with specialised kanji",
        ],
        previous_knowledge="Nurse for four years in Hanoi; JLPT N3; one year in a Japanese "
        "hospital as a nursing assistant.",
        usage_context={
            "primary_use_case": "Hospital ward work: patient care, handovers, explaining treatment",
            "register_preferences": ["polite"],
            "formality_contexts": {
                "patients": "polite, simple words",
                "doctors": "polite",
                "senior nurses": "polite",
                "patients' families": "polite with keigo",
            },
            "scenario_details": [
                "Explaining to a patient how to take medicine three times a day after meals",
                "Receiving a handover from the night-shift nurse",
                "Asking a patient where it hurts and how much",
                "Explaining to a family when visiting hours are",
            ],
        },
        vocabulary_domain_goals=[
            "symptoms",
            "medication",
            "hospital procedures",
            "body parts",
            "time expressions for dosing",
        ],
        grammar_progression_goals=[
            "〜てください / 〜ないでください instructions",
            "〜後に / 〜前に",
            "〜ようにしてください",
            "〜かもしれません",
        ],
        formulaic_expression_goals=[
            "お大事になさってください",
            "いかがですか",
            "何かあったら呼んでください",
        ],
        known_vocabulary=(
            "病院 病気 病室 医者 看護師 患者 薬 注射 検査 手術 熱 咳 頭痛 腹痛 痛み 血 "
            "体温 血圧 食前 食後 一日 三回 朝 昼 晩 寝る前 飲む 休む 入院 退院 診察 受付 "
            "予約 保険 名前 生年月日 大丈夫 痛い 苦しい 気持ち悪い 眠れない 吐く 治る 心配 "
            "家族 面会 時間 説明 注意"
        ),
        known_grammar=(
            "〜てください 〜ないでください 〜てもいいです 〜てはいけません 〜なければなりません "
            "〜たほうがいい 〜前に 〜後で 〜ながら 〜そうです 〜ようです"
        ),
        cultural_interests=[
            "Japanese hospital culture",
            "patient-centred communication",
            "Japanese cuisine for recovery",
        ],
        cultural_background="From Hanoi, Vietnam; Buddhist; lives in a hospital dormitory.",
        learning_preferences={
            "grammar_focus_areas": ["instructions", "explanations"],
            "exercise_types": ["role-play", "case studies", "kanji drills"],
            "interaction_preferences": ["patient simulations"],
        },
    ),
    _kit(
        """
        服用|ふくよう|taking (medicine)
        錠剤|じょうざい|tablet
        副作用|ふくさよう|side effect
        点滴|てんてき|IV drip
        安静|あんせい|rest, bed rest
        症状|しょうじょう|symptom
        申し送り|もうしおくり|handover
        経過|けいか|progress (of an illness)
        息苦しい|いきぐるしい|short of breath
        めまい|めまい|dizziness
        しびれ|しびれ|numbness
        食欲|しょくよく|appetite
        飲み忘れる|のみわすれる|to forget to take (medicine)
        """,
        """
        〜ようにしてください|please make sure to ~
        〜後に|after ~
        """,
        """
        お大事になさってください|Please take care of yourself.
        どこが痛みますか|Where does it hurt?
        """,
        min_words=9,
        min_grammar=2,
        min_phrases=2,
    ),
)

SOFTWARE_ENGINEER = (
    _profile(
        learner_id="bench-09-engineer",
        current_level="B2",
        native_language="English (India)",
        learning_goals=[
            "Work fully in Japanese in an engineering team at a Tokyo fintech start-up, "
            "including stand-ups, design reviews, code review comments and incident calls",
            "Explain technical trade-offs clearly and disagree politely in reviews",
            "Read internal documentation and Slack threads quickly",
            "Present at an internal tech talk in Japanese by the end of the year",
        ],
        previous_knowledge="JLPT N2; four years in Japan; reads technical blogs in Japanese; "
        "speaks fluently in casual settings but keigo in meetings is still slow.",
        usage_context={
            "primary_use_case": "Software development teamwork: meetings, reviews, chat, talks",
            "register_preferences": ["polite", "neutral"],
            "formality_contexts": {
                "team stand-ups": "polite but short",
                "Slack": "neutral, です/ます with emoji",
                "executives": "polite with keigo",
                "lunch with teammates": "plain",
            },
            "scenario_details": [
                "Reporting blockers in the daily stand-up",
                "Disagreeing politely with a senior engineer's design in a review",
                "Leading an incident call and assigning tasks",
            ],
        },
        vocabulary_domain_goals=[
            "software development",
            "project management",
            "incident response",
            "presentations",
        ],
        grammar_progression_goals=[
            "〜わけではありません nuanced disagreement",
            "〜ざるを得ない",
            "〜に対して / 〜について",
            "〜という観点から",
        ],
        formulaic_expression_goals=[
            "認識合っていますか",
            "念のため確認させてください",
            "ご指摘ありがとうございます",
            "対応します",
        ],
        known_vocabulary=(
            "開発 設計 実装 テスト 修正 不具合 バグ 仕様 要件 機能 画面 サーバー データ "
            "データベース 障害 対応 原因 影響 範囲 優先度 期限 担当 確認 共有 相談 報告 "
            "提案 検討 議論 意見 賛成 反対 理由 メリット デメリット 性能 速度 安全 "
            "セキュリティ 顧客 利用者 リリース 本番 環境 手順 資料 発表 会議 締め切り 見積もり "
            "進捗 課題 改善 効率 自動化 監視 通知 設定 変更 削除 追加 更新 移行 互換性 "
            "依存 ライブラリ 版 管理"
        ),
        known_grammar=(
            "〜ばいい 〜ようにする 〜ことにする 〜ことになる 〜はずです 〜べきです 〜にとって "
            "〜によって 〜ために 〜ように 〜わけです 〜のではないでしょうか 〜かどうか"
        ),
        cultural_interests=[
            "Japanese workplace communication",
            "nemawashi",
            "tech community meetups",
            "ramen",
        ],
        cultural_background="From Bengaluru; previously worked at a US company in Tokyo.",
        learning_preferences={
            "grammar_focus_areas": ["nuance", "formal written style"],
            "exercise_types": ["presentation practice", "writing review comments", "discussion"],
            "interaction_preferences": ["debates", "realistic team scenarios"],
        },
    ),
    _kit(
        """
        懸念|けねん|concern
        代替案|だいたいあん|alternative plan
        妥当|だとう|appropriate, reasonable
        前提|ぜんてい|premise, assumption
        切り分け|きりわけ|isolating (a problem)
        暫定対応|ざんていたいおう|temporary fix
        恒久対応|こうきゅうたいおう|permanent fix
        振り返り|ふりかえり|retrospective
        合意|ごうい|agreement
        観点|かんてん|viewpoint
        指摘|してき|pointing out, review comment
        懸念点|けねんてん|point of concern
        """,
        """
        〜わけではありません|it is not that ~
        〜という観点から|from the viewpoint of ~
        """,
        """
        念のため確認させてください|Let me confirm, just in case.
        認識合っていますか|Are we on the same page?
        """,
        min_words=8,
        min_grammar=2,
        min_phrases=2,
    ),
)

SCHOOL_PARENT = (
    _profile(
        learner_id="bench-10-parent",
        current_level="A2",
        native_language="Chinese (Mandarin)",
        learning_goals=[
            "Communicate with my daughter's elementary school teachers in Yokohama: parent "
            "meetings, notes in the contact book (renrakuchou) and phone calls",
            "Understand school letters (oshirase) about events, items to bring and deadlines",
            "Take part in PTA activities and talk with other parents",
        ],
        previous_knowledge="Reads kanji easily as a Chinese speaker but struggles with "
        "kana-heavy speech and keigo; two years in Japan; JLPT N4.",
        usage_context={
            "primary_use_case": "School life of my child: teachers, letters, PTA, other parents",
            "register_preferences": ["polite"],
            "formality_contexts": {
                "teachers": "polite with keigo",
                "other parents": "polite",
                "neighbours": "polite",
            },
            "scenario_details": [
                "Calling the school to say my daughter is absent because of a fever",
                "Asking the teacher about items to bring for a school trip",
                "Volunteering for a PTA task at a meeting",
            ],
        },
        vocabulary_domain_goals=[
            "school events",
            "school supplies",
            "illness and absence",
            "dates and deadlines",
        ],
        grammar_progression_goals=[
            "〜ので for polite reasons",
            "〜てもよろしいでしょうか",
            "〜なければなりませんか",
        ],
        formulaic_expression_goals=[
            "いつもお世話になっております",
            "よろしくお願いいたします",
            "失礼いたします",
        ],
        known_vocabulary=(
            "学校 小学校 先生 担任 子ども 娘 息子 クラス 授業 宿題 運動会 遠足 給食 "
            "お弁当 水筒 体操服 上履き 教科書 ノート 鉛筆 熱 風邪 休む 病院 薬 手紙 電話 "
            "月曜日 来週 何日 何時 持って行く 出す 忘れる 分かる 分かりません"
        ),
        known_grammar="〜ます 〜てください 〜たいです 〜から 〜ています 〜てもいいですか",
        cultural_interests=["Japanese school events", "PTA culture", "bento making"],
        cultural_background="From Shanghai; mother of a 7-year-old; works part-time.",
        learning_preferences={
            "grammar_focus_areas": ["keigo for teachers"],
            "exercise_types": ["reading school letters", "phone role-play"],
            "interaction_preferences": ["realistic phone calls"],
        },
    ),
    _kit(
        """
        欠席|けっせき|absence
        遅刻|ちこく|being late
        連絡帳|れんらくちょう|contact notebook
        お知らせ|おしらせ|notice, school letter
        持ち物|もちもの|things to bring
        保護者|ほごしゃ|parent, guardian
        提出|ていしゅつ|submission
        締め切り|しめきり|deadline
        熱が出る|ねつがでる|to get a fever
        早退|そうたい|leaving early
        """,
        """
        〜ので|because ~ (polite reason)
        〜てもよろしいでしょうか|would it be all right to ~?
        """,
        """
        いつもお世話になっております|Thank you for always looking after us.
        本日は欠席させていただきます|She will be absent today.
        """,
        min_words=7,
        min_grammar=2,
        min_phrases=2,
    ),
)

CHEF_APPRENTICE = (
    _profile(
        learner_id="bench-11-chef",
        current_level="B1",
        native_language="Italian",
        learning_goals=[
            "Work as an apprentice in a kaiseki restaurant kitchen in Kyoto and follow the head "
            "chef's instructions quickly and precisely during service",
            "Learn the names of ingredients, tools and techniques of Japanese cuisine",
            "Explain Italian dishes to Japanese colleagues and customers",
        ],
        previous_knowledge="Chef in Bologna for eight years; two years of Japanese with a tutor "
        "online; JLPT N3 in progress; understands kitchen commands but not why they are said.",
        usage_context={
            "primary_use_case": "Restaurant kitchen: prep, service, cleaning, talking to customers",
            "register_preferences": ["polite", "plain"],
            "formality_contexts": {
                "head chef": "polite",
                "other cooks during service": "plain, short",
                "customers": "polite with keigo",
            },
            "scenario_details": [
                "Receiving prep instructions for the day's dishes",
                "Confirming an order called during service",
                "Explaining a dish to a customer at the counter",
            ],
        },
        vocabulary_domain_goals=[
            "ingredients",
            "kitchen tools",
            "cooking techniques",
            "taste and texture",
            "seasonal food",
        ],
        grammar_progression_goals=[
            "〜ておく preparation",
            "〜たら conditions",
            "〜ように indirect instructions",
            "passive for processes",
        ],
        formulaic_expression_goals=[
            "はい、喜んで",
            "お待たせいたしました",
            "失礼します",
            "お疲れ様でした",
        ],
        known_vocabulary=(
            "料理 台所 包丁 鍋 皿 魚 肉 野菜 米 ご飯 味噌 醤油 塩 砂糖 酢 油 水 火 切る "
            "焼く 煮る 揚げる 洗う 混ぜる 入れる 出す 温める 冷やす 甘い 辛い 塩辛い 苦い "
            "柔らかい 硬い 新鮮 季節 春 夏 秋 冬 お客様 注文 準備 急ぐ ゆっくり 少し 全部"
        ),
        known_grammar=(
            "〜てください 〜てから 〜たら 〜ながら 〜ておく 〜ないように 〜そうです 〜てしまう"
        ),
        cultural_interests=[
            "kaiseki cuisine",
            "seasonality (shun)",
            "knife craftsmanship",
            "tea ceremony sweets",
        ],
        cultural_background="From Bologna; trained in Italian regional cooking.",
        learning_preferences={
            "grammar_focus_areas": ["instructions", "sequence of actions"],
            "exercise_types": ["listening to commands", "recipes", "role-play"],
            "interaction_preferences": ["fast-paced drills"],
        },
    ),
    _kit(
        """
        下ごしらえ|したごしらえ|preparation (prep work)
        出汁|だし|soup stock
        盛り付け|もりつけ|plating
        刻む|きざむ|to chop finely
        下ろす|おろす|to fillet, to grate
        炙る|あぶる|to sear
        旬|しゅん|in season
        食感|しょっかん|texture
        香り|かおり|aroma
        仕込み|しこみ|advance preparation
        まな板|まないた|chopping board
        """,
        """
        〜ておく|do ~ in advance
        〜ように|so that ~ / (instruction) make sure to ~
        """,
        """
        お待たせいたしました|Sorry to have kept you waiting.
        はい、喜んで|Yes, with pleasure!
        """,
        min_words=8,
        min_grammar=2,
        min_phrases=1,
    ),
)

OUTDOOR_VOLUNTEER = (
    _profile(
        learner_id="bench-12-outdoor",
        current_level="A2",
        native_language="English (Australia)",
        learning_goals=[
            "Join local volunteer groups for beach clean-ups and mountain trail maintenance "
            "near Kamakura and understand the leaders' instructions and safety briefings",
            "Chat with other volunteers during breaks about nature, hobbies and where I'm from",
            "Hike in the Japanese Alps and stay in mountain huts",
        ],
        previous_knowledge="Working holiday in Japan for 8 months; JLPT N4; learned mostly "
        "by talking with people at a surf shop where I work.",
        usage_context={
            "primary_use_case": "Outdoor volunteering and hiking: instructions, safety, small talk",
            "register_preferences": ["polite", "plain"],
            "formality_contexts": {
                "group leaders": "polite",
                "volunteers my age": "plain",
                "mountain hut staff": "polite",
            },
            "scenario_details": [
                "Listening to a leader explain how to sort beach rubbish",
                "Asking where to put the full bags",
                "Checking in at a mountain hut and asking about dinner",
            ],
        },
        vocabulary_domain_goals=[
            "nature and environment",
            "rubbish and recycling",
            "outdoor equipment",
            "weather",
            "safety",
        ],
        grammar_progression_goals=[
            "〜てください instructions",
            "〜たら what-if",
            "〜ないでください warnings",
        ],
        formulaic_expression_goals=["お疲れ様です", "気をつけてください", "了解です"],
        known_vocabulary=(
            "海 山 川 砂 石 木 花 空 雨 風 晴れ 天気 暑い 寒い 水 靴 帽子 手袋 袋 ゴミ "
            "拾う 集める 捨てる 運ぶ 歩く 登る 休む 始める 終わる 危ない 大丈夫 こっち あっち "
            "ここ そこ 右 左 前 後ろ 仲間 サーフィン 波"
        ),
        known_grammar="〜てください 〜ないでください 〜たいです 〜ています 〜から 〜けど 〜たら",
        cultural_interests=[
            "environmental volunteering",
            "mountain huts",
            "surfing in Japan",
            "recycling rules",
        ],
        cultural_background="From Byron Bay, Australia; 27; works in a surf shop in Kamakura.",
        learning_preferences={
            "grammar_focus_areas": ["instructions"],
            "exercise_types": ["listening", "outdoor role-play", "vocabulary games"],
            "interaction_preferences": ["casual conversation"],
        },
    ),
    _kit(
        """
        分別|ぶんべつ|sorting (rubbish)
        燃えるゴミ|もえるごみ|burnable rubbish
        燃えないゴミ|もえないごみ|non-burnable rubbish
        ペットボトル|ぺっとぼとる|plastic bottle
        空き缶|あきかん|empty can
        軍手|ぐんて|work gloves
        集合|しゅうごう|gathering, assembly
        解散|かいさん|breaking up, dismissal
        熱中症|ねっちゅうしょう|heatstroke
        水分|すいぶん|fluids, water
        山小屋|やまごや|mountain hut
        """,
        """
        〜てください|please ~
        〜ないでください|please don't ~
        """,
        """
        気をつけてください|Please be careful.
        お疲れ様です|Thanks for your hard work.
        """,
        min_words=8,
        min_grammar=2,
        min_phrases=1,
    ),
)

BENCHMARK_PROFILES: list[tuple[LearnerProfile, PrelessonKit]] = [
    RESTAURANT_TRAVELER,
    BUSINESS_MEETINGS,
    CAREGIVER,
    EXCHANGE_STUDENT,
    ANIME_FAN,
    HOMESTAY,
    RETIREE_TOURIST,
    HOSPITAL_NURSE,
    SOFTWARE_ENGINEER,
    SCHOOL_PARENT,
    CHEF_APPRENTICE,
    OUTDOOR_VOLUNTEER,
]
