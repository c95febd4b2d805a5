import asyncio, time, httpx, sys
N = [1, 20, 200]
async def run(url, n):
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=n), timeout=120) as c:
        async def one(i):
            async with c.stream("POST", url, json={"model": "m", "prompt": "x", "stream": True}) as r:
                k = 0
                async for chunk in r.aiter_raw():
                    k += 1
                return k
        t = time.perf_counter(); res = await asyncio.gather(*(one(i) for i in range(n))); return time.perf_counter() - t, sum(res)
for n in N:
    print(n, asyncio.run(run(sys.argv[1], n)))
