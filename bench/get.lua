-- wrk script for GET scenarios: only adds the RESULT line.
dofile(os.getenv("BENCH_DIR") .. "/report.lua")
