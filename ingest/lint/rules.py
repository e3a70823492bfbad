"""The machine-readability rules, L1 (layout) to L3 (reuse).

The official text of the Digital Agency's 2026 rules (IDs L1-01..L3-09) was not
available to us; this catalogue implements the rules those IDs are known to cover,
taken from the 2020 総務省「統計表における機械判読可能なデータの表記方法の統一ルール」
(checks 1-1..1-12) and the three-level structure of the 内閣官房 draft that preceded
them. Each rule has its level, a default severity, a title and a fix in Japanese.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the data cannot be read reliably by a program
    WARNING = "warning"  # readable, but only after manual cleaning
    INFO = "info"  # a recommended practice


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    fix: str
    fixed_in_clean_csv: bool = False  # the cleaned CSV download already fixes it

    @property
    def level(self) -> int:
        return int(self.id[1])


RULES = {rule.id: rule for rule in [
    Rule("L1-01", Severity.ERROR, "機械判読に適したファイル形式（CSV・Excel 等）で公開する",
         "表のデータそのものを CSV（UTF-8）または Excel 形式で保存して登録してください。"
         "PDF・画像・Web ページは表として扱えません。"),
    Rule("L1-02", Severity.WARNING, "画像・図形・グラフを表に含めない",
         "画像や図形、グラフを削除し、必要なら別の資料として登録してください。"),
    Rule("L1-03", Severity.ERROR, "1つのシートには1つの表だけを入れる",
         "表ごとに別のシート（または別のファイル）に分け、空行で区切った表や繰り返した見出しをなくしてください。"),
    Rule("L1-04", Severity.WARNING, "行・列・シートを非表示にしない",
         "非表示の行・列・シートを再表示するか、不要なら削除してください。"),
    Rule("L1-05", Severity.WARNING, "表の外にタイトル・注記・出典を書かない",
         "表題・注記・出典・単位は表から削除し、データセットの説明やデータ辞書に書いてください。",
         fixed_in_clean_csv=True),
    Rule("L1-06", Severity.ERROR, "セルを結合しない",
         "結合を解除し、各セルに値を入れてください（見出しは1行にまとめます）。",
         fixed_in_clean_csv=True),
    Rule("L1-07", Severity.INFO, "書式（色・斜体など）で情報を表さない",
         "色や斜体で表していた区別（推計値など）は、別の列に値として入れてください。"),
    Rule("L1-08", Severity.WARNING, "スペースや改行で見た目を整えない",
         "「総　数」のような位置揃えの空白や、前後の余分な空白・セル内改行を削除してください。",
         fixed_in_clean_csv=True),
    Rule("L1-09", Severity.WARNING, "1つのセルには1つの値だけを入れる",
         "複数の値は別々の列（または行）に分けてください（例: 「1(10)」は2つの列に）。"),
    Rule("L1-10", Severity.WARNING, "機種依存文字を使わない",
         "①→(1)、㈱→(株)、㍻→平成 のように、どの環境でも表示できる文字に置き換えてください。"),
    Rule("L2-01", Severity.ERROR, "数値の列には数値だけを入れる",
         "数値の列に混ざった文字（単位・注記・括弧書き）を取り除き、必要なら別の列に分けてください。"),
    Rule("L2-02", Severity.WARNING, "単位はセルに書かず、項目名やデータ辞書に書く",
         "「1000円」ではなく「1000」と入力し、単位（円）は項目名かデータ辞書に書いてください。",
         fixed_in_clean_csv=True),
    Rule("L2-03", Severity.INFO, "数値に桁区切りや全角数字を使わない",
         "数値は半角数字のみで、桁区切りのカンマを付けずに入力してください。",
         fixed_in_clean_csv=True),
    Rule("L2-04", Severity.WARNING, "年は西暦で書く（和暦には西暦を併記する）",
         "「令和2年」は「2020」のように西暦で入力するか、西暦の列を追加してください。",
         fixed_in_clean_csv=True),
    Rule("L2-05", Severity.INFO, "特殊記号（-、…、x など）の意味を明記し統一する",
         "記号の意味（該当なし・秘匿など）をデータ辞書に書き、数値の列では空欄などに統一してください。"),
    Rule("L2-06", Severity.ERROR, "項目名（列見出し）を省略しない",
         "すべての列に、内容が分かる項目名を付けてください。"),
    Rule("L2-07", Severity.WARNING, "項目名は表の1行目に1行で書き、重複させない",
         "複数行の見出しは「病院_医師」のように1行にまとめ、表の1行目に置いてください。",
         fixed_in_clean_csv=True),
    Rule("L2-08", Severity.WARNING, "空の行や列を入れない",
         "表の途中の空行・空列を削除してください。", fixed_in_clean_csv=True),
    Rule("L2-09", Severity.INFO, "数式ではなく値で保存する",
         "数式のセルは値として貼り付け直してから保存してください。"),
    Rule("L3-01", Severity.INFO, "文字コードは UTF-8 にする",
         "CSV は UTF-8（Excel で開くならBOM付き）で保存してください。", fixed_in_clean_csv=True),
    Rule("L3-02", Severity.INFO, "地域には全国地方公共団体コードを付ける",
         "市区町村名・都道府県名の列の隣に、全国地方公共団体コード（6桁）の列を追加してください。"),
    Rule("L3-03", Severity.WARNING, "コードと名称は別々の列にする",
         "「1300東京都」のようにつながったコードと名称を、コードの列と名称の列に分けてください。"),
    Rule("L3-04", Severity.INFO, "日付・時刻は ISO 8601 形式（YYYY-MM-DD）で書く",
         "日付は 2020-04-01 のように年-月-日の順で入力してください。", fixed_in_clean_csv=True),
    Rule("L3-05", Severity.INFO, "年月や項目を横に並べず、縦長（ロング形式）の表にする",
         "年・月・区分を列に並べる代わりに、「年」「区分」「値」の列を持つ縦長の表にしてください。"),
    Rule("L3-06", Severity.INFO, "メタデータはファイルの中でなくカタログに書く",
         "ファイル先頭の #license などの行は削除し、データセットのメタデータとして登録してください。",
         fixed_in_clean_csv=True),
    Rule("L3-07", Severity.INFO, "項目の意味・型・単位をデータ辞書で説明する",
         "データ辞書（リソースのページ）に各列の説明と単位を書いてください。"),
    Rule("L3-08", Severity.INFO, "緯度・経度は別々の列に10進数で書く",
         "「34.34,134.04」のような組は、緯度の列と経度の列に分けてください。"),
    Rule("L3-09", Severity.INFO, "英数字は半角、カタカナは全角で書く",
         "全角の英数字（ＪＲ、１丁目）は半角に、半角カタカナは全角にしてください。"),
]}
