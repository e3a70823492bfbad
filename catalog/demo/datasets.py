"""The demo datasets: titles, descriptions and the generated files of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from catalog.demo import tables as t


@dataclass(frozen=True)
class DemoFile:
    filename: str
    name: str
    make: Callable[[], bytes]
    description: str = ""


@dataclass(frozen=True)
class DemoDataset:
    name: str
    title: str
    organization: str
    notes: str
    groups: tuple[str, ...]
    tags: tuple[str, ...]
    files: tuple[DemoFile, ...] = ()
    access_level: str = "open"
    license_id: str = "CC-BY-4.0"
    frequency: str = "annual"
    legal_basis: str = ""
    access_note: str = ""
    temporal: tuple[str, str] | None = None
    extras: dict = field(default_factory=dict)


def csv_file(filename, name, table, encoding="utf-8", bom=False, description=""):
    return DemoFile(filename, name, lambda: t.to_csv(table(), encoding, bom), description)


def xlsx_file(filename, name, table, description=""):
    return DemoFile(filename, name, lambda: t.to_xlsx(table()), description)


def facilities(kind, count, seed):
    return lambda: t.facility_list(seed, kind, count)


YEARS = range(2019, 2025)
M = date(2023, 4, 1)  # first month of monthly series

OPEN = (
    DemoDataset(
        "shichouson-betsu-jinkou", "市区町村別人口・世帯数", "toukei-chousa",
        "福岡県内60市区町村の総人口、男女別人口、世帯数です。\n\n"
        "毎年10月1日現在の推計人口をもとに作成しています。国勢調査の年は確定値です。",
        ("jinkou-setai",), ("人口", "世帯", "市区町村", "統計"),
        (csv_file("jinkou_2025.csv", "市区町村別人口（2025年）",
                  lambda: t.population_by_municipality(101, 2025)),
         csv_file("jinkou_2024_sjis.csv", "市区町村別人口（2024年・Shift_JIS）",
                  lambda: t.population_by_municipality(102, 2024), "cp932")),
        temporal=("2024-10-01", "2025-10-01")),
    DemoDataset(
        "nenrei-betsu-jinkou", "年齢3区分別人口", "toukei-chousa",
        "市区町村別の年少人口（0～14歳）、生産年齢人口（15～64歳）、老年人口（65歳以上）と高齢化率。",
        ("jinkou-setai",), ("人口", "高齢化", "年齢別"),
        (xlsx_file("nenrei_2025.xlsx", "年齢3区分別人口（2025年）",
                   lambda: t.population_by_age(103, 2025)),)),
    DemoDataset(
        "suikei-jinkou-geppou", "福岡県推計人口（月報）", "toukei-chousa",
        "毎月1日現在の県の推計人口と世帯数、前月からの増減です。",
        ("jinkou-setai",), ("人口", "推計人口", "月報"),
        (csv_file("suikei_jinkou.csv", "推計人口（月別）",
                  lambda: t.monthly_population(104, date(2023, 1, 1), 34)),),
        frequency="monthly"),
    DemoDataset(
        "jinkou-doutai", "人口動態統計（出生・死亡・婚姻・離婚）", "toukei-chousa",
        "県全体の出生数、死亡数、自然増減、婚姻件数、離婚件数の推移です。厚生労働省「人口動態統計」をもとに県が集計しました。",
        ("jinkou-setai", "kenkou-iryou"), ("人口", "出生", "死亡", "婚姻", "人口動態"),
        (csv_file("jinkou_doutai.csv", "人口動態の推移", lambda: t.vital_statistics(105, 2005, 2024)),)),
    DemoDataset(
        "shussei-su-shichouson", "市区町村別出生数", "toukei-chousa",
        "市区町村別の出生数と出生率（人口千対）です。子育て支援施策の検討にご活用ください。",
        ("jinkou-setai", "fukushi-kosodate"), ("出生", "子育て", "市区町村"),
        (csv_file("shussei_2024.csv", "出生数（2024年）", lambda: t.births_by_municipality(106, 2024),
                  "utf-8", True),)),
    DemoDataset(
        "kankou-irikomi-kyakusuu", "観光入込客数（市区町村別）", "kankou",
        "市区町村別の観光入込客数（日帰り・宿泊）です。観光庁の共通基準に基づき推計しています。",
        ("kankou-bunka",), ("観光", "入込客数", "宿泊"),
        (xlsx_file("kankou_irikomi.xlsx", "観光入込客数", lambda: t.municipal_indicator(
            107, YEARS, {"観光入込客数": (3.0, 9.0), "うち日帰り": (2.5, 7.0), "うち宿泊": (0.2, 1.5)},
            title="市区町村別 観光入込客数（単位：人）")),)),
    DemoDataset(
        "gaikokujin-shukuhaku", "外国人延べ宿泊者数（国・地域別）", "kankou",
        "主な国・地域別の外国人延べ宿泊者数（月別）です。",
        ("kankou-bunka",), ("観光", "インバウンド", "外国人", "宿泊"),
        (csv_file("gaikokujin_shukuhaku.csv", "外国人延べ宿泊者数", lambda: t.monthly_series(
            108, M, 20, ["韓国", "台湾", "中国", "香港", "タイ", "アメリカ"], (8_000, 150_000),
            "延べ宿泊者数")),),
        frequency="monthly"),
    DemoDataset(
        "kankou-shisetsu", "観光施設一覧", "kankou",
        "県内の主な観光施設の名称、所在地、緯度経度、分類、駐車場の有無です。",
        ("kankou-bunka",), ("観光", "施設", "地図"),
        (csv_file("kankou_shisetsu.csv", "観光施設一覧", facilities("tourist_spot", 120, 109)),)),
    DemoDataset(
        "aed-setchi-basho", "AED設置箇所一覧", "bousai-kiki-kanri",
        "県内の公共施設等に設置された自動体外式除細動器（AED）の設置場所です。"
        "自治体標準オープンデータセットの形式に準拠しています。",
        ("bousai-anzen", "kenkou-iryou"), ("AED", "救命", "防災", "地図"),
        (csv_file("aed.csv", "AED設置箇所一覧", facilities("aed", 400, 110), "utf-8", True),),
        frequency="quarterly"),
    DemoDataset(
        "shitei-kinkyuu-hinan-basho", "指定緊急避難場所一覧", "bousai-kiki-kanri",
        "災害の種類ごとの指定緊急避難場所です。「○」はその災害に対応していることを示します。",
        ("bousai-anzen",), ("避難所", "避難場所", "防災", "地図"),
        (csv_file("hinan_basho.csv", "指定緊急避難場所", facilities("shelter", 300, 111), "cp932"),)),
    DemoDataset(
        "hoiku-shisetsu", "保育施設一覧", "fukushi-roudou",
        "認可保育所、認定こども園、小規模保育事業などの保育施設の一覧です。定員と延長保育の有無を含みます。",
        ("fukushi-kosodate",), ("子育て", "保育所", "こども園", "地図"),
        (csv_file("hoiku_shisetsu.csv", "保育施設一覧", facilities("childcare", 250, 112)),)),
    DemoDataset(
        "iryou-kikan", "医療機関一覧", "hoken-iryou-kaigo",
        "県内の病院・診療所の名称、所在地、診療科目、病床数、休日当番医の対象かどうか。",
        ("kenkou-iryou",), ("医療", "病院", "診療所", "地図"),
        (csv_file("iryou_kikan.csv", "医療機関一覧", facilities("hospital", 300, 113)),),
        frequency="monthly"),
    DemoDataset(
        "yakkyoku", "薬局一覧", "hoken-iryou-kaigo",
        "県内の薬局の所在地と開局時間、夜間・休日の対応可否です。",
        ("kenkou-iryou",), ("医療", "薬局"),
        (csv_file("yakkyoku.csv", "薬局一覧", facilities("pharmacy", 200, 114)),)),
    DemoDataset(
        "kaigo-service-jigyousho", "介護サービス事業所一覧", "hoken-iryou-kaigo",
        "通所介護、訪問介護、特別養護老人ホームなど介護サービス事業所の一覧です。",
        ("fukushi-kosodate", "kenkou-iryou"), ("介護", "高齢者", "福祉"),
        (csv_file("kaigo_jigyousho.csv", "介護サービス事業所", facilities("care", 220, 115)),)),
    DemoDataset(
        "denshi-shinsei-kensuu", "電子申請の受付件数", "digital-seisaku",
        "福岡県電子申請システムで受け付けた手続ごとの月別申請件数とオンライン利用率です。",
        ("gyou-zaisei",), ("電子申請", "オンライン", "DX", "行政手続"),
        (csv_file("denshi_shinsei.csv", "手続別申請件数", lambda: t.online_applications(116, M, 20)),),
        frequency="monthly"),
    DemoDataset(
        "free-wifi", "公衆無線LANアクセスポイント一覧", "digital-seisaku",
        "Fukuoka Free Wi-Fi のアクセスポイント（駅、公共施設、観光案内所など）です。",
        ("koutsuu-infra", "kankou-bunka"), ("Wi-Fi", "無線LAN", "観光", "地図"),
        (csv_file("free_wifi.csv", "アクセスポイント一覧", facilities("wifi", 150, 117)),),
        license_id="CC0-1.0"),
    DemoDataset(
        "bunkazai", "県指定文化財一覧", "kyouiku",
        "県が指定した有形文化財、史跡、天然記念物、無形民俗文化財の一覧です。",
        ("kankou-bunka", "kyouiku"), ("文化財", "史跡", "歴史"),
        (csv_file("bunkazai.csv", "県指定文化財", facilities("cultural_property", 180, 118)),),
        frequency="irregular"),
    DemoDataset(
        "kenritsu-gakkou", "県立学校一覧", "kyouiku",
        "県立高等学校と特別支援学校の課程、学科、生徒数です。",
        ("kyouiku",), ("学校", "高校", "教育"),
        (csv_file("kenritsu_gakkou.csv", "県立学校一覧", facilities("school", 110, 119)),)),
    DemoDataset(
        "toshokan", "公立図書館一覧", "kyouiku",
        "県内の公立図書館・分館の所在地、蔵書数、休館日です。",
        ("kyouiku", "kankou-bunka"), ("図書館", "生涯学習"),
        (csv_file("toshokan.csv", "図書館一覧", facilities("library", 90, 120)),)),
    DemoDataset(
        "taiki-osen-sokutei", "大気汚染常時監視測定結果（年平均）", "kankyou",
        "微小粒子状物質（PM2.5）、二酸化窒素、光化学オキシダントの年平均値の推移です。",
        ("kankyou",), ("大気", "PM2.5", "環境", "測定"),
        (csv_file("taiki.csv", "大気汚染物質の年平均値", lambda: t.prefecture_series(
            121, range(2010, 2025), {"PM2.5（μg/m3）": (16, -0.03), "二酸化窒素（ppb）": (14, -0.02),
                                     "光化学オキシダント（ppb）": (33, 0.0)})),)),
    DemoDataset(
        "ippan-haikibutsu", "一般廃棄物の排出量とリサイクル率", "kankyou",
        "市区町村別のごみ総排出量、1人1日当たり排出量、リサイクル率です。",
        ("kankyou",), ("ごみ", "廃棄物", "リサイクル"),
        (csv_file("haikibutsu.csv", "ごみ排出量", lambda: t.municipal_indicator(
            122, YEARS, {"ごみ総排出量（t）": (0.30, 0.36), "資源化量（t）": (0.05, 0.08)})),)),
    DemoDataset(
        "kasen-suii-kansokujo", "河川水位・雨量観測所一覧", "kendo-seibi",
        "県が管理する河川の水位観測所と雨量観測所の位置、氾濫危険水位です。",
        ("bousai-anzen", "koutsuu-infra"), ("河川", "水位", "防災", "地図"),
        (csv_file("kasen_kansokujo.csv", "観測所一覧", facilities("river_station", 140, 123)),),
        frequency="irregular"),
    DemoDataset(
        "kenei-juutaku", "県営住宅団地一覧", "kendo-seibi",
        "県営住宅の団地名、所在地、管理戸数、建設年度、構造です。",
        ("koutsuu-infra",), ("住宅", "県営住宅"),
        (csv_file("kenei_juutaku.csv", "県営住宅一覧", facilities("public_housing", 130, 124)),)),
    DemoDataset(
        "nougyou-sanshutsu-gaku", "農業産出額（市区町村別）", "nourin-suisan",
        "市区町村別の農業産出額（推計、千万円）です。",
        ("nourin-suisan",), ("農業", "産出額"),
        (csv_file("nougyou_sanshutsu.csv", "農業産出額", lambda: t.municipal_indicator(
            125, YEARS, {"農業産出額（千万円）": (0.0001, 0.004)})),)),
    DemoDataset(
        "gyokaku-ryou", "漁業・養殖業生産量の推移", "nourin-suisan",
        "海面漁業と養殖業（のり養殖を含む）の生産量の推移です。",
        ("nourin-suisan",), ("漁業", "養殖", "のり"),
        (csv_file("gyokaku.csv", "生産量の推移", lambda: t.prefecture_series(
            126, range(2005, 2025), {"海面漁業（t）": (38_000, -0.01), "海面養殖業（t）": (45_000, 0.0)})),)),
    DemoDataset(
        "jigyousho-juugyousha", "事業所数・従業者数", "shoukou",
        "経済センサスに基づく市区町村別の事業所数と従業者数です。",
        ("sangyou-koyou",), ("事業所", "雇用", "経済センサス"),
        (csv_file("jigyousho.csv", "事業所数・従業者数", lambda: t.municipal_indicator(
            127, range(2021, 2022), {"事業所数": (0.035, 0.05), "従業者数": (0.38, 0.5)}), "cp932"),),
        frequency="irregular"),
    DemoDataset(
        "kenzei-shuunyuu", "県税収入の推移", "zeimu",
        "県税の税目別収入額（決算、百万円）の推移です。",
        ("gyou-zaisei",), ("県税", "財政", "税収"),
        (csv_file("kenzei.csv", "税目別収入額", lambda: t.prefecture_series(
            128, range(2010, 2025), {"個人県民税": (120_000, 0.01), "法人事業税": (95_000, 0.02),
                                     "地方消費税": (110_000, 0.03), "自動車税": (60_000, -0.005)})),)),
    DemoDataset(
        "koutsuu-jiko", "交通事故発生件数（市区町村別）", "bousai-kiki-kanri",
        "市区町村別の人身交通事故の発生件数、死者数、負傷者数です。",
        ("bousai-anzen",), ("交通事故", "交通安全"),
        (csv_file("koutsuu_jiko.csv", "交通事故発生状況", lambda: t.municipal_indicator(
            129, YEARS, {"発生件数": (0.0015, 0.003), "死者数": (0.00001, 0.00004),
                         "負傷者数": (0.0018, 0.0036)})),)),
    DemoDataset(
        "kansenshou-hassei", "感染症発生動向（定点報告）", "hoken-iryou-kaigo",
        "インフルエンザ、感染性胃腸炎などの定点当たり報告数（月別）です。",
        ("kenkou-iryou",), ("感染症", "インフルエンザ", "健康"),
        (csv_file("kansenshou.csv", "定点当たり報告数", lambda: t.monthly_series(
            130, M, 20, ["インフルエンザ", "感染性胃腸炎", "RSウイルス感染症", "手足口病"], (1, 40),
            "報告数")),),
        frequency="weekly"),
    DemoDataset(
        "houkago-jidou-club", "放課後児童クラブ数と登録児童数", "fukushi-roudou",
        "市区町村別の放課後児童クラブ数、登録児童数、待機児童数です。",
        ("fukushi-kosodate",), ("子育て", "学童保育", "放課後児童クラブ"),
        (csv_file("jidou_club.csv", "放課後児童クラブ", lambda: t.municipal_indicator(
            131, YEARS, {"クラブ数": (0.0002, 0.0004), "登録児童数": (0.008, 0.013),
                         "待機児童数": (0.0, 0.0004)})),)),
    DemoDataset(
        "yosan-gaiyou", "一般会計予算（款別）の推移", "soumu",
        "一般会計当初予算の款別内訳（百万円）の推移です。",
        ("gyou-zaisei",), ("予算", "財政"),
        (csv_file("yosan.csv", "款別予算", lambda: t.prefecture_series(
            132, range(2015, 2026), {"教育費": (430_000, 0.005), "民生費": (380_000, 0.03),
                                     "土木費": (190_000, -0.01), "公債費": (260_000, 0.0)})),)),
    DemoDataset(
        "nyuusatsu-kekka", "入札・契約結果", "soumu",
        "建設工事と業務委託の入札結果（件数と落札率の月別集計）です。",
        ("gyou-zaisei",), ("入札", "契約"),
        (csv_file("nyuusatsu.csv", "入札結果（月別）", lambda: t.monthly_series(
            133, M, 20, ["建設工事", "業務委託", "物品購入"], (20, 160), "件数")),),
        frequency="monthly"),
    DemoDataset(
        "douro-kyouryou", "県管理道路の橋梁点検結果", "kendo-seibi",
        "県が管理する道路橋の点検結果（健全度区分ごとの橋梁数）の推移です。",
        ("koutsuu-infra",), ("道路", "橋梁", "インフラ", "点検"),
        (csv_file("kyouryou.csv", "健全度別橋梁数", lambda: t.prefecture_series(
            134, range(2015, 2025), {"健全（I）": (1200, 0.01), "予防保全段階（II）": (1500, 0.02),
                                     "早期措置段階（III）": (300, -0.03)})),)),
)

INTERNAL = (
    DemoDataset(
        "chousha-denryoku", "庁舎別電力使用量", "soumu",
        "本庁舎と主な出先機関の月別電力使用量です。省エネルギー対策の検討用（庁内限定）。",
        ("gyou-zaisei", "kankyou"), ("電力", "省エネ", "庁舎"),
        (csv_file("denryoku.csv", "月別電力使用量", lambda: t.monthly_series(
            201, M, 20, ["本庁舎", "行政棟", "議会棟", "北九州総合庁舎", "久留米総合庁舎"],
            (80_000, 900_000), "使用量（kWh）")),),
        access_level="internal", license_id="not-published", frequency="monthly",
        legal_basis="その他", access_note="未精査のため公開前の確認中。"),
    DemoDataset(
        "shokuin-kenshuu", "職員研修の受講実績", "soumu",
        "職員研修の受講記録です。職員番号は人事システムの番号で、氏名は含みません。",
        ("gyou-zaisei",), ("研修", "職員"),
        (csv_file("kenshuu.csv", "受講実績", lambda: t.staff_training(202, 600)),),
        access_level="internal", license_id="not-published", frequency="monthly",
        legal_basis="その他"),
    DemoDataset(
        "denshi-shinsei-riyou-log", "電子申請システム利用状況（詳細集計）", "digital-seisaku",
        "電子申請システムのアクセスと申請完了率の詳細集計です。システム改善の検討に使います。",
        ("gyou-zaisei",), ("電子申請", "DX", "利用状況"),
        (csv_file("shinsei_log.csv", "利用状況", lambda: t.monthly_series(
            203, M, 20, ["ページ閲覧", "申請開始", "申請完了", "途中離脱"], (2_000, 90_000), "件数")),),
        access_level="internal", license_id="not-published", frequency="monthly",
        legal_basis="その他"),
    DemoDataset(
        "kyuukyuu-hansou", "救急搬送件数（市区町村別）", "bousai-kiki-kanri",
        "消防本部からの報告に基づく救急搬送件数です。公表前の速報値のため庁内限定。",
        ("bousai-anzen", "kenkou-iryou"), ("救急", "消防", "搬送"),
        (csv_file("kyuukyuu.csv", "救急搬送件数", lambda: t.municipal_indicator(
            204, YEARS, {"搬送件数": (0.04, 0.06), "うち高齢者": (0.02, 0.035)})),),
        access_level="internal", license_id="not-published", legal_basis="その他",
        access_note="確定値は消防年報で公表します。"),
    DemoDataset(
        "kouyousha-unkou", "公用車の運行実績", "soumu",
        "公用車の月別の運行回数と走行距離です。",
        ("gyou-zaisei",), ("公用車", "運行"),
        (csv_file("kouyousha.csv", "運行実績", lambda: t.monthly_series(
            205, M, 20, ["本庁", "北九州県土整備事務所", "久留米県土整備事務所"], (200, 1_500),
            "走行距離（km）")),),
        access_level="internal", license_id="not-published", frequency="monthly"),
)

RESTRICTED = (
    DemoDataset(
        "seikatsu-hogo-shousai", "生活保護の受給状況（詳細）", "fukushi-roudou",
        "市区町村別・世帯類型別の被保護世帯数と保護率の詳細です。小さな町村では個人が特定される"
        "おそれがあるため、福祉労働部と許可された職員に限定しています。",
        ("fukushi-kosodate",), ("生活保護", "福祉"),
        (csv_file("seikatsu_hogo.csv", "被保護世帯数", lambda: t.municipal_indicator(
            301, YEARS, {"被保護世帯数": (0.008, 0.03), "被保護人員": (0.01, 0.04)})),),
        access_level="restricted", license_id="not-published", legal_basis="個人情報保護法",
        access_note="小規模町村の値から個人が特定されるおそれ。"),
    DemoDataset(
        "jidou-soudan-jirei", "児童相談の対応事案", "fukushi-roudou",
        "児童相談所が対応した事案の記録（事案番号、市区町村、区分、状況）です。氏名等は含みません。",
        ("fukushi-kosodate",), ("児童相談", "子育て"),
        (csv_file("jidou_soudan.csv", "対応事案", lambda: t.case_records(
            302, 800, ["養護相談", "保健相談", "障害相談", "非行相談", "育成相談"])),),
        access_level="restricted", license_id="not-published", frequency="monthly",
        legal_basis="個人情報保護法", access_note="個別の事案記録のため。"),
    DemoDataset(
        "kenzei-tainou-joukyou", "県税の滞納状況（市区町村別）", "zeimu",
        "税目・市区町村別の滞納件数と滞納額です。地方税法の守秘義務の対象です。",
        ("gyou-zaisei",), ("県税", "滞納"),
        (csv_file("tainou.csv", "滞納状況", lambda: t.municipal_indicator(
            303, YEARS, {"滞納件数": (0.002, 0.006), "滞納額（千円）": (0.2, 0.9)})),),
        access_level="restricted", license_id="not-published", legal_basis="地方税法 第22条"),
    DemoDataset(
        "keizai-census-kohyou", "経済センサス調査票情報（事業所別）", "toukei-chousa",
        "統計法第33条に基づき利用する調査票情報（事業所別）です。目的外利用は禁止されています。",
        ("sangyou-koyou",), ("経済センサス", "調査票情報", "統計"),
        (csv_file("census_kohyou.csv", "事業所別調査票情報", lambda: t.case_records(
            304, 1000, ["製造業", "卸売業、小売業", "宿泊業、飲食サービス業", "医療、福祉", "建設業"])),),
        access_level="restricted", license_id="not-published", frequency="irregular",
        legal_basis="統計法 第41条", access_note="統計法に基づく調査票情報の適正管理。"),
    DemoDataset(
        "itaku-keiyaku-tanka", "業務委託の契約単価", "soumu",
        "業務委託契約の単価一覧です。受託者との契約で非公開とされています。",
        ("gyou-zaisei",), ("契約", "委託"),
        (csv_file("keiyaku_tanka.csv", "契約単価", lambda: t.monthly_series(
            305, M, 12, ["清掃", "警備", "システム保守", "設備点検"], (100_000, 4_000_000),
            "契約額（円）")),),
        access_level="restricted", license_id="not-published", legal_basis="契約上の制約"),
    DemoDataset(
        "hinan-koudou-youshiensha", "避難行動要支援者の集計（地区別）", "bousai-kiki-kanri",
        "市区町村から提供を受けた避難行動要支援者名簿の地区別集計です。防災目的に限り利用できます。",
        ("bousai-anzen", "fukushi-kosodate"), ("避難行動要支援者", "防災", "福祉"),
        (csv_file("youshiensha.csv", "地区別集計", lambda: t.municipal_indicator(
            306, range(2024, 2025), {"要支援者数": (0.01, 0.03), "個別避難計画作成数": (0.002, 0.01)})),),
        access_level="restricted", license_id="not-published", legal_basis="個人情報保護法",
        access_note="災害対策基本法に基づき提供された情報。"),
)

DATASETS = OPEN + INTERNAL + RESTRICTED
