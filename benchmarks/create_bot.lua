-- wrk: POST a new Recall bot on every request
wrk.method = "POST"
wrk.body = '{"meeting_url": "https://zoom.us/j/84315550123?pwd=abc", "bot_name": "Benchmark"}'
wrk.headers["Content-Type"] = "application/json"
