# Reference values for src/core/spatial/nni.ts from R spatstat (clarkevans.test, no edge correction).
# Run from the repository root (Debian packages r-cran-spatstat.explore and r-cran-jsonlite):
#   Rscript scripts/oracles/nni.R
# Writes test/fixtures/spatial/nni.json: points, and for each study window (bounding rectangle, convex
# hull) spatstat's area, mean nearest-neighbour distance, expected distance, R (= NNI), Z and p-value.
suppressPackageStartupMessages({
  library(spatstat.geom)
  library(spatstat.explore)
  library(jsonlite)
})

case_for <- function(name, x, y) {
  windows <- list(bbox = bounding.box.xy(x, y), hull = convexhull.xy(x, y))
  results <- lapply(names(windows), function(w) {
    X <- ppp(x, y, window = windows[[w]], check = FALSE)
    t <- clarkevans.test(X, correction = "none", alternative = "two.sided")
    work <- attr(spatstat.explore:::clarkevansCalc(X, correction = "none", working = TRUE), "working")
    list(window = w, area = area(Window(X)), observed_mean = work$Dobs, expected_mean = work$Dpois,
         nni = unname(t$statistic), z = (work$Dobs - work$Dpois) / (sqrt(((4 - pi) * work$areaW) / (4 * pi)) / work$npts),
         p = t$p.value)
  })
  list(name = name, x = x, y = y, results = results)
}

set.seed(20240603)
cases <- list()
# Complete spatial randomness over 4 km x 3 km.
cases[[1]] <- case_for("uniform", round(runif(200, 450000, 454000), 1), round(runif(200, 300000, 303000), 1))
# Clustered: 12 centres, 15 points each within ~80 m, plus 5 exact repeats of a location.
cx <- runif(12, 450000, 454000); cy <- runif(12, 300000, 303000)
x <- round(rep(cx, each = 15) + rnorm(180, 0, 40), 1); y <- round(rep(cy, each = 15) + rnorm(180, 0, 40), 1)
x <- c(x, x[1:5]); y <- c(y, y[1:5])
cases[[2]] <- case_for("clustered", x, y)
# Dispersed: a jittered 15 x 10 lattice at 200 m.
g <- expand.grid(i = 0:14, j = 0:9)
cases[[3]] <- case_for("dispersed", round(450000 + g$i * 200 + runif(150, -15, 15), 1), round(300000 + g$j * 200 + runif(150, -15, 15), 1))

out <- list(generator = sprintf("scripts/oracles/nni.R, R %s, spatstat.explore %s", getRversion(), packageVersion("spatstat.explore")), cases = cases)
dir.create("test/fixtures/spatial", recursive = TRUE, showWarnings = FALSE)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), "test/fixtures/spatial/nni.json")
cat("wrote test/fixtures/spatial/nni.json\n")
