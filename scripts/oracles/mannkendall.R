# Reference values for svo's Mann–Kendall trend test (src/core/spatial/emerging.ts).
#
# R's cor.test(x, time, method = "kendall", exact = FALSE, continuity = TRUE) is the Mann–Kendall
# test with the ties-corrected variance and a continuity correction; it gives tau-b, z and p.
# Run from the repository root: Rscript scripts/oracles/mannkendall.R
suppressPackageStartupMessages(library(jsonlite))
set.seed(42)
series <- list(
  rising = c(-1.2, -0.4, 0.3, 0.1, 0.9, 1.4, 2.2, 2.0, 2.9, 3.5),
  falling_with_ties = c(3, 3, 2.5, 2, 2, 2, 1, 0.5, 0.5, -1, -1.5, -2),
  flat_noise = round(rnorm(14), 3),
  integer_ties = c(1, 2, 2, 3, 1, 2, 3, 3, 4, 2, 3, 4),
  short = c(0.2, 0.5, 0.4),
  long_random_walk = round(cumsum(rnorm(36)), 3)
)
out <- lapply(series, function(x) {
  t <- suppressWarnings(cor.test(x, seq_along(x), method = "kendall", exact = FALSE, continuity = TRUE))
  list(x = x, tau = unname(t$estimate), z = unname(t$statistic), p = t$p.value)
})
writeLines(toJSON(list(meta = list(r = R.version.string), series = out), digits = NA, auto_unbox = TRUE), "test/fixtures/spatial/mann-kendall.json")
cat("wrote test/fixtures/spatial/mann-kendall.json\n")
