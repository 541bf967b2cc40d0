# Reference limits for src/core/stats/funnel.ts (Spiegelhalter 2005, interpolated Poisson quantiles).
# Run: Rscript scripts/oracles/funnel.R, wrap the lines in {"cases": [...]} as test/fixtures/stats/funnel-poisson.json.
lim <- function(E, p) { r <- qpois(p, E); a <- (ppois(r, E) - p) / dpois(r, E); max(0, r - a) }
for (E in c(0.5, 3, 12.5, 40, 100, 1000)) for (p in c(0.001, 0.025, 0.975, 0.999)) cat(sprintf('{"expected":%s,"p":%s,"limit":%.12g},\n', E, p, lim(E, p)))
