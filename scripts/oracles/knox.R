# Reference values for src/core/spatial/knox.ts from R surveillance::knox (surveillance 1.20.3).
# Run from the repository root (needs the Debian package r-cran-surveillance, and jsonlite):
#   Rscript scripts/oracles/knox.R
# It writes test/fixtures/spatial/knox-clustered.json and knox-uniform.json. CI has no R: the JSON is
# committed and src/core/spatial/knox.test.ts reads it.
#
# What is compared, and why two kinds of p-value:
# - surveillance::knox takes one space threshold and one time threshold (a 2x2 table of "close" pairs,
#   distance <= eps). Its table and its expected count (null.value) are exact and are compared exactly
#   with svo's cumulative bands (same location + bands 1..k, temporal bands 1..j).
# - Each svo cell (a ring band (k-1)b < d <= kb by a time band) is a logical closeness vector passed to
#   surveillance::knox, so the observed pairs and the exact null expectation of every cell come from it.
# - surveillance::knox's Monte Carlo p-value permutes the pairwise closeness labels (sample.int(npairs)),
#   a different null from the one svo and Ratcliffe's Near Repeat Calculator use (event dates permuted
#   over fixed locations, Mantel 1967 / Johnson et al. 2007). Its p-value is recorded for information
#   only. The reference p-values svo is tested against are from the event-date permutation below
#   (B = 9999, R's Mersenne-Twister), compared with svo's at a Monte Carlo tolerance.
suppressPackageStartupMessages({
  library(surveillance)
  library(jsonlite)
})

B <- 9999L
spatial_band <- 100; spatial_bands <- 5L
temporal_band <- 7L; temporal_bands <- 4L
thresholds_s <- c(0, 100, 300, 500)
thresholds_t <- c(0L, 7L, 21L, 28L)

# Ring-band index of each pair: 0 = same location, k = (k-1)b < d <= kb, S+1 = beyond.
spatial_index <- function(d) ifelse(d == 0, 0L, pmin(as.integer(ceiling(d / spatial_band)), spatial_bands + 1L))
# Time band index: 0 = 0..t days, j-1 = (j-1)t < dt <= jt, T = beyond.
temporal_index <- function(dt) ifelse(dt <= temporal_band, 0L, pmin(as.integer(ceiling(dt / temporal_band)) - 1L, temporal_bands))

case_for <- function(x, y, day, method, seed) {
  ds <- as.vector(dist(cbind(x, y), method = method))
  dt <- as.vector(dist(day))
  si <- spatial_index(ds)
  ncol <- temporal_bands + 1L
  ncell <- (spatial_bands + 2L) * ncol
  cell_of <- function(dtp) si * ncol + temporal_index(dtp) + 1L

  observed <- tabulate(cell_of(dt), nbins = ncell)
  # Every cell through surveillance::knox with logical closeness vectors: statistic and null.value.
  cells <- list()
  for (s in 0:(spatial_bands + 1L)) for (t in 0:temporal_bands) {
    k <- knox(temporal_index(dt) == t, si == s, simulate.p.value = FALSE)
    stopifnot(k$statistic == observed[s * ncol + t + 1L])
    cells[[length(cells) + 1L]] <- list(spatial = s, temporal = t, observed = unname(k$statistic), expected_exact = unname(k$null.value))
  }

  # Event-date permutation null (the one svo uses), every cell at once.
  set.seed(seed)
  sims <- matrix(0L, nrow = B, ncol = ncell)
  for (b in seq_len(B)) sims[b, ] <- tabulate(cell_of(as.vector(dist(day[sample.int(length(day))]))), nbins = ncell)
  for (i in seq_len(ncell)) {
    cells[[i]]$sim_mean <- mean(sims[, i])
    cells[[i]]$sim_sd <- sd(sims[, i])
    cells[[i]]$p_event_permutation <- (1 + sum(sims[, i] >= observed[i])) / (B + 1)
  }

  # Cumulative thresholds straight from surveillance::knox (numeric distances, eps inclusive).
  cumulative <- list()
  for (es in thresholds_s) for (et in thresholds_t) {
    set.seed(seed + 1L)
    k <- knox(dt, ds, eps.t = et, eps.s = es, simulate.p.value = TRUE, B = 999L, .verbose = FALSE)
    cumulative[[length(cumulative) + 1L]] <- list(
      eps_s = es, eps_t = et,
      table = list(close_close = k$table[1, 1], close_time_only = k$table[1, 2], close_space_only = k$table[2, 1], neither = k$table[2, 2]),
      expected = unname(k$null.value),
      p_poisson = attr(k$p.value, "Poisson"),
      p_pair_permutation = as.numeric(k$p.value)
    )
  }
  list(method = method, cells = cells, cumulative = cumulative)
}

write_fixture <- function(name, description, x, y, day, seed) {
  out <- list(
    description = description,
    generator = sprintf("scripts/oracles/knox.R, R %s, surveillance %s", getRversion(), packageVersion("surveillance")),
    options = list(spatial_band = spatial_band, spatial_bands = spatial_bands, temporal_band = temporal_band,
                   temporal_bands = temporal_bands, permutations = B),
    events = list(x = x, y = y, day = day),
    cases = list(case_for(x, y, day, "euclidean", seed), case_for(x, y, day, "manhattan", seed + 7L))
  )
  path <- file.path("test/fixtures/spatial", paste0("knox-", name, ".json"))
  dir.create(dirname(path), recursive = TRUE, showWarnings = FALSE)
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = FALSE), path)
  cat("wrote", path, "\n")
}

# 1. Planted near repeats: 200 originators uniform over 3 km x 3 km and one year; a third of them are
#    followed by 1-3 repeats within 150 m and 1-10 days; 8 repeats at exactly the same location.
set.seed(20240601)
n0 <- 200L
x <- round(runif(n0, 0, 3000)); y <- round(runif(n0, 0, 3000)); day <- sample(0:364, n0, replace = TRUE)
for (i in sample.int(n0, 70L)) {
  for (r in seq_len(sample(1:3, 1))) {
    a <- runif(1, 0, 2 * pi); d <- runif(1, 0, 150)
    x <- c(x, round(x[i] + d * cos(a))); y <- c(y, round(y[i] + d * sin(a))); day <- c(day, day[i] + sample(1:10, 1))
  }
}
for (i in sample.int(n0, 8L)) { x <- c(x, x[i]); y <- c(y, y[i]); day <- c(day, day[i] + sample(0:20, 1)) }
write_fixture("clustered", "planted near repeats (space-time interaction): 200 originators, ~140 repeats within 150 m and 10 days, 8 same-location repeats", x, y, as.integer(day), 11L)

# 2. No interaction: 300 events uniform in space and time, with 6 locations used twice at unrelated dates.
set.seed(20240602)
n <- 300L
x <- round(runif(n, 0, 3000)); y <- round(runif(n, 0, 3000)); day <- sample(0:364, n, replace = TRUE)
for (i in sample.int(n, 6L)) { x <- c(x, x[i]); y <- c(y, y[i]); day <- c(day, sample(0:364, 1)) }
write_fixture("uniform", "no space-time interaction: 306 events uniform over 3 km x 3 km and one year, 6 locations used twice", x, y, as.integer(day), 12L)
