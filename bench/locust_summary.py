"""The aggregated line of a locust run's statistics (its --csv prefix + _stats.csv):

    .venv/bin/python bench/locust_summary.py bench/out/load_stats.csv

prints requests, failures, req/s, median, p95 and p99 to standard error and the req/s alone to
standard output (for the CPU-per-request arithmetic of the load scripts)."""
import csv
import sys

rows = {r["Name"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
agg = rows["Aggregated"]
print(f"\nrequests {agg['Request Count']}, failures {agg['Failure Count']}, "
      f"{float(agg['Requests/s']):.1f} req/s, median {agg['50%']} ms, p95 {agg['95%']} ms, p99 {agg['99%']} ms",
      file=sys.stderr)
print(agg["Requests/s"])
