"""Helpers shared by the benchmarks: the generated test table and child-process timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

PREFECTURES = ["北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
               "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
               "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
               "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
               "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
               "鹿児島県", "沖縄県"]
HEADER = ["団体コード", "都道府県名", "市区町村名", "年度", "調査日", "人口総数", "男", "女", "世帯数",
          "面積", "人口密度", "備考"]


def generate_csv(path: str, rows: int) -> None:
    """Japanese municipal statistics, ``rows`` rows (5,000,000 is about 500 MB), written
    by DuckDB so that generating is not the slow part. Codes keep their leading zeros."""
    import duckdb

    prefectures = "[" + ", ".join(f"'{p}'" for p in PREFECTURES) + "]"
    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT lpad(((i % 47) + 1)::VARCHAR, 2, '0') || lpad(((i // 47) % 900 + 100)::VARCHAR, 3, '0')
                   || (i % 10)::VARCHAR AS 団体コード,
                 {prefectures}[(i % 47) + 1] AS 都道府県名,
                 '第' || ((i // 47) % 900 + 100)::VARCHAR || '市町村' AS 市区町村名,
                 2000 + i % 25 AS 年度,
                 make_date(2000 + (i % 25), 10, 1) AS 調査日,
                 1000 + hash(i) % 2000000 AS 人口総数,
                 500 + hash(i + 1) % 1000000 AS 男,
                 500 + hash(i + 2) % 1000000 AS 女,
                 400 + hash(i + 3) % 900000 AS 世帯数,
                 round(5 + (hash(i + 4) % 150000) / 100.0, 2) AS 面積,
                 round((hash(i + 5) % 100000) / 10.0, 1) AS 人口密度,
                 CASE WHEN i % 7 = 0 THEN '合併により区域が変わりました（旧町村を含む）' END AS 備考
          FROM range({rows}) t(i)
        ) TO '{path}' (FORMAT csv, HEADER true)""")
    con.close()


def to_shift_jis(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as src, open(target, "w", encoding="cp932") as out:
        while chunk := src.read(1 << 22):
            out.write(chunk)


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB. Read from /proc (VmHWM), which starts
    afresh at exec: getrusage's ru_maxrss keeps the peak of the parent that started us,
    so a child of a big benchmark process would report the parent's peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(code: str, *args: str) -> dict:
    """Run ``code`` (a Python snippet defining ``run(*args)``) in a fresh process; returns
    its wall time, CPU time (user + system, all threads of the process and of the
    processes it started and waited for, such as transcoders) and peak RSS, so
    that each figure is measured alone. On a machine shared with other work the CPU time
    moves less than the wall time."""
    program = (
        "import json, resource, sys, time\nfrom bench.common import peak_rss_mb\n" + code +
        "\ndef _cpu():\n    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),"
        " resource.getrusage(resource.RUSAGE_CHILDREN)))\n"
        "start, cpu_start = time.perf_counter(), _cpu()\nextra = run(*sys.argv[1:])\n"
        "print('BENCH-RESULT ' + json.dumps({'seconds': time.perf_counter() - start, 'extra': extra,"
        " 'cpu_seconds': _cpu() - cpu_start,"
        " 'peak_rss_mb': peak_rss_mb()}))\n")
    completed = subprocess.run([sys.executable, "-c", program, *args], capture_output=True,
                               text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    if completed.returncode:
        raise RuntimeError(completed.stderr[-3000:])
    line = next(line for line in reversed(completed.stdout.splitlines())
                if line.startswith("BENCH-RESULT "))
    return json.loads(line.removeprefix("BENCH-RESULT "))


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def stamp() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")
