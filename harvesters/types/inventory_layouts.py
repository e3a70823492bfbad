"""Column layouts of inventory spreadsheets, and reading their free-text cells.

Two layouts are known out of the box; ``columns`` in a source's config adds or replaces
header names for any field.

* ``inventory`` – the 棚卸 sheet in which departments list the data they hold: one row
  per dataset, with whether it holds personal data and whether it may be published.
* ``opendata_list`` – 自治体標準オープンデータセット「06 オープンデータ一覧」: one row per
  file, rows with the same データセット_ID forming one dataset (the older 推奨データセット
  headers データ名称 / データ概要 / URL / ライセンス are read too).
"""

from __future__ import annotations

import re
import unicodedata

# field -> header names it may have (compared after NFKC, spaces removed, lower case).
INVENTORY_COLUMNS = {
    "id": ["管理番号", "番号", "No", "NO", "No.", "ID", "データID"],
    "title": ["データ名", "データ名称", "データセット名", "名称", "情報資産名", "保有データ名"],
    "department": ["所管課", "担当課", "所管部署", "担当部署", "部署", "課名", "所属", "部局"],
    "description": ["概要", "データ概要", "説明", "内容"],
    "legal_basis": ["根拠法令", "根拠法令等", "根拠", "法令"],
    "personal_data": ["個人情報", "個人情報の有無", "個人情報有無", "個人情報を含む"],
    "format": ["形式", "データ形式", "ファイル形式", "保存形式", "保有形式", "媒体"],
    "frequency": ["更新頻度", "更新周期"],
    "publishable": ["公開可否", "公開の可否", "公開可能", "オープンデータ化の可否",
                    "公開可能性", "公開"],
    "contact": ["連絡先", "問い合わせ先", "問合せ先", "担当者", "担当"],
}

OPENDATA_LIST_COLUMNS = {
    "id": ["データセット_ID", "NO"],
    "title": ["データセット_タイトル", "データ名称"],
    "description": ["データセット_概要", "データ概要"],
    "keywords": ["データセット_キーワード"],
    "category": ["データセット_分類"],
    "page_url": ["データセット_URL", "URL"],
    "frequency": ["データセット_更新頻度", "更新頻度"],
    "issued": ["データセット_公開日", "登録日"],
    "modified": ["データセット_最終更新日", "最終更新日"],
    "period": ["データセット_対象期間"],
    "creator": ["データセット_作成者"],
    "contact_name": ["データセット_連絡先名称"],
    "contact_email": ["データセット_連絡先メールアドレス"],
    "contact_phone": ["データセット_連絡先電話番号"],
    "remarks": ["データセット_備考", "備考"],
    "standard": ["データセット_準拠する標準"],
    "municipality": ["地方公共団体名"],
    "municipality_code": ["全国地方公共団体コード", "都道府県コード又は市区町村コード"],
    "file_title": ["ファイル_タイトル"],
    "file_url": ["ファイル_ダウンロードURL", "ファイル_アクセスURL"],
    "file_description": ["ファイル_説明"],
    "file_format": ["ファイル_形式", "ファイル形式"],
    "file_license": ["ファイル_ライセンス", "ライセンス"],
    "file_status": ["ファイル_ステータス"],
}

LAYOUTS = {"inventory": INVENTORY_COLUMNS, "opendata_list": OPENDATA_LIST_COLUMNS}
REQUIRED = {"inventory": "title", "opendata_list": "title"}

YES = {"有", "有り", "あり", "○", "〇", "◯", "はい", "yes", "y", "true", "1", "可", "公開可",
       "可能", "公開", "含む", "済"}
NO = {"無", "無し", "なし", "×", "✕", "いいえ", "no", "n", "false", "0", "否", "不可",
      "公開不可", "非公開", "不可能", "含まない", "-", "ー"}
FREQUENCY_WORDS = [
    ("daily", ["毎日", "日次", "日1回", "日ごと"]),
    ("weekly", ["毎週", "週次", "週1回", "週ごと"]),
    ("monthly", ["毎月", "月次", "月1回", "月ごと"]),
    ("quarterly", ["四半期", "3か月", "3ヶ月", "3ヵ月"]),
    ("annual", ["毎年", "年次", "年1回", "年度", "年ごと", "1年"]),
    ("continuous", ["随時", "リアルタイム", "常時"]),
    ("irregular", ["不定期"]),
    ("never", ["更新なし", "更新しない", "なし"]),
]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(\+?\d[\d\-() ]{8,}\d)")


def normalise_header(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", text).lower()


def column_map(headers: list[str], layout: str, overrides: dict) -> dict[str, int]:
    """field -> column index, from the layout's header names and the config's."""
    positions = {normalise_header(header): index for index, header in enumerate(headers)}
    found: dict[str, int] = {}
    for field, names in LAYOUTS[layout].items():
        wanted = overrides.get(field)
        candidates = ([wanted] if isinstance(wanted, str) else list(wanted or [])) + names
        for name in candidates:
            if normalise_header(name) in positions:
                found[field] = positions[normalise_header(name)]
                break
    return found


def detect_layout(headers: list[str]) -> str:
    normalised = {normalise_header(h) for h in headers}
    standard = {normalise_header(n) for n in ("データセット_タイトル", "データセット_ID",
                                              "ファイル_ダウンロードURL", "データ名称")}
    return "opendata_list" if normalised & standard and not normalised & {
        normalise_header(n) for n in INVENTORY_COLUMNS["publishable"]} else "inventory"


def yes_no(value: str) -> bool | None:
    """True, False, or None when the cell says neither."""
    text = normalise_header(value)
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    if text.startswith(("有", "あり", "可")):
        return True
    if text.startswith(("無", "なし", "不可", "否")):
        return False
    return None


def frequency_code(value: str) -> str:
    text = normalise_header(value)
    for code, words in FREQUENCY_WORDS:
        if any(normalise_header(word) in text for word in words):
            return code
    return ""


def split_contact(value: str) -> tuple[str, str, str]:
    """(name, e-mail, phone) from a free-text contact cell."""
    text = unicodedata.normalize("NFKC", value or "")
    email = EMAIL.search(text)
    phone = PHONE.search(text)
    name = text
    for match in (email, phone):
        if match:
            name = name.replace(match.group(0), " ")
    name = re.sub(r"(tel|電話|mail|e-mail|メール)[:：]?", " ", name, flags=re.I)
    name = re.sub(r"[\s/,、()（）]+", " ", name).strip()
    return name[:200], email.group(0) if email else "", phone.group(0).strip()[:50] if phone else ""
