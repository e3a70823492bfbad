"""Demo departments (部局), divisions (課), categories (分野) and users."""

from __future__ import annotations

# (name, title, parent name or None, description)
ORGANIZATIONS = (
    ("kikaku-chiiki-shinko", "企画・地域振興部", None, "県の総合計画、地域振興、統計、デジタル化を担当します。"),
    ("toukei-chousa", "統計調査課", "kikaku-chiiki-shinko", "人口推計、人口動態、経済統計など県の統計を作成・公表します。"),
    ("digital-seisaku", "デジタル政策課", "kikaku-chiiki-shinko", "行政手続のオンライン化、オープンデータ、情報システムを担当します。"),
    ("soumu", "総務部", None, "人事、財政、税務、防災を所管します。"),
    ("zeimu", "税務課", "soumu", "県税の賦課徴収を担当します。"),
    ("bousai-kiki-kanri", "防災危機管理局", "soumu", "災害への備え、避難所、防災情報を担当します。"),
    ("hoken-iryou-kaigo", "保健医療介護部", None, "医療、健康づくり、感染症対策、介護を担当します。"),
    ("fukushi-roudou", "福祉労働部", None, "子育て支援、障がい福祉、生活保護、雇用を担当します。"),
    ("kankyou", "環境部", None, "大気・水質の監視、廃棄物対策、自然保護を担当します。"),
    ("shoukou", "商工部", None, "産業振興、中小企業支援を担当します。"),
    ("kankou", "観光局", "shoukou", "観光振興、インバウンド誘客を担当します。"),
    ("nourin-suisan", "農林水産部", None, "農業、林業、水産業の振興を担当します。"),
    ("kendo-seibi", "県土整備部", None, "道路、河川、港湾、県営住宅を担当します。"),
    ("kyouiku", "教育庁", None, "県立学校、文化財、生涯学習を担当します。"),
)

# (name, title, description)
GROUPS = (
    ("jinkou-setai", "人口・世帯", "人口、世帯、人口動態に関するデータ"),
    ("gyou-zaisei", "行財政", "予算、税、行政手続、職員に関するデータ"),
    ("kenkou-iryou", "健康・医療", "医療機関、健康、感染症に関するデータ"),
    ("fukushi-kosodate", "福祉・子育て", "子育て支援、介護、障がい福祉、生活保護に関するデータ"),
    ("bousai-anzen", "防災・安全", "避難所、AED、防災、交通安全に関するデータ"),
    ("kankou-bunka", "観光・文化", "観光、文化財、図書館に関するデータ"),
    ("sangyou-koyou", "産業・雇用", "事業所、雇用、商工業に関するデータ"),
    ("kankyou", "環境", "大気、水質、廃棄物に関するデータ"),
    ("kyouiku", "教育", "学校、生涯学習に関するデータ"),
    ("koutsuu-infra", "交通・インフラ", "道路、河川、公共交通、住宅に関するデータ"),
    ("nourin-suisan", "農林水産", "農業、林業、水産業に関するデータ"),
)

# Every demo account uses this password (shown in the README; for local demos only).
DEMO_PASSWORD = "demo-password"

# (name, full name, sysadmin, staff, memberships {organization: role}, site roles)
USERS = (
    ("admin", "システム管理者", True, True, {}, ()),
    ("yamamoto", "山本 統計調査課長", False, True, {"toukei-chousa": "admin"}, ()),
    ("tanaka", "田中 統計調査課", False, True, {"toukei-chousa": "editor"}, ()),
    ("suzuki", "鈴木 保健医療介護部", False, True, {"hoken-iryou-kaigo": "admin",
                                                   "fukushi-roudou": "member"}, ()),
    ("sato", "佐藤 防災危機管理局", False, True, {"bousai-kiki-kanri": "editor"}, ()),
    ("kobayashi", "小林 観光局", False, True, {"kankou": "editor"}, ()),
    ("nakamura", "中村 デジタル政策課", False, True, {"digital-seisaku": "admin"},
     ("showcase_admin",)),
    ("watanabe", "渡辺 環境部", False, True, {}, ()),  # staff without a membership
    ("citizen", "県民 太郎", False, False, {}, ()),  # a public account
)
