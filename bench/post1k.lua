-- wrk script: POST a 1 KiB JSON body to /post.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"data":"' .. string.rep("x", 1024 - 11) .. '"}'
dofile(os.getenv("BENCH_DIR") .. "/report.lua")
