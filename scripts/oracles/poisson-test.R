# Reference values for src/core/stats/compare.ts (rate ratio of two Poisson counts, exact).
# Run: Rscript scripts/oracles/poisson-test.R > test/fixtures/stats/poisson-test.json (then wrap in {"cases": [...]}).
cases <- list(c(82,100,1,1), c(5,12,1,1), c(0,7,1,1), c(30,20,365,365), c(150,200,1.1,1), c(3,1,2,1), c(1000,1210,12,12), c(9,9,1,1))
for (cs in cases) {
  t <- poisson.test(c(cs[1], cs[2]), c(cs[3], cs[4]))
  cat(sprintf('{"x1":%d,"x0":%d,"e1":%s,"e0":%s,"ratio":%.15g,"lower":%.15g,"upper":%.15g,"p":%.15g},\n',
              cs[1], cs[2], cs[3], cs[4], t$estimate, t$conf.int[1], t$conf.int[2], t$p.value))
}
