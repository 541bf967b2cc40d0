# Reference values for svo's Getis-Ord Gi* (src/core/spatial/gistar.ts, weights.ts, fdr.ts).
#
# Produces test/fixtures/spatial/gistar-grid.json and gistar-llr.json with R spdep:
#   localG(x, nb2listw(include.self(nb), style = "B"))
# on (1) a small synthetic grid of square polygons and jittered points, and (2) the real LLR LSOA
# boundaries (read from ../shared/data, never copied: the fixture holds codes, counts and z only).
# Two-sided p-values are 2 * pnorm(-|z|); FDR-adjusted ones p.adjust(p, "BH").
#
# Run from the repository root (Debian: apt-get install r-cran-spdep r-cran-sf r-cran-jsonlite):
#   Rscript scripts/oracles/gistar.R [path/to/llr-lsoa11-merged.geojson]
suppressPackageStartupMessages({
  library(sf)
  library(spdep)
  library(jsonlite)
})

# The same EPSG:27700 definition svo uses (src/core/geo/bng.ts), so centroids agree to micrometres.
BNG <- paste(
  "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy",
  "+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs"
)
# Shared vertices of the ONS boundaries differ by micrometres after projection: match within 1 mm.
SNAP <- 0.001

gistar <- function(x, nb) as.numeric(localG(x, nb2listw(include.self(nb), style = "B", zero.policy = TRUE)))
scheme <- function(x, nb) {
  z <- gistar(x, nb)
  p <- 2 * pnorm(-abs(z))
  list(cardinality = card(nb), z = z, p = p, p_fdr = p.adjust(p, "BH"))
}
write_fixture <- function(x, path) {
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, pretty = FALSE), path)
  cat("wrote", path, "\n")
}
meta <- list(
  r = R.version.string,
  spdep = as.character(packageVersion("spdep")),
  sf = as.character(packageVersion("sf"))
)

# (1) Synthetic grid: 12 columns x 9 rows of 100 m squares, row-major from the south-west corner,
# counts Poisson with a raised mean around one corner so there are hot and cold spots.
set.seed(20240611)
cols <- 12; rows <- 9; cell <- 100; e0 <- 450000; n0 <- 300000
squares <- list()
centres <- matrix(0, cols * rows, 2)
for (r in 0:(rows - 1)) for (c in 0:(cols - 1)) {
  x0 <- e0 + c * cell; y0 <- n0 + r * cell
  squares[[length(squares) + 1]] <- st_polygon(list(rbind(c(x0, y0), c(x0 + cell, y0), c(x0 + cell, y0 + cell), c(x0, y0 + cell), c(x0, y0))))
  centres[r * cols + c + 1, ] <- c(x0 + cell / 2, y0 + cell / 2)
}
grid <- st_sfc(squares, crs = BNG)
d_hot <- sqrt((centres[, 1] - (e0 + 250))^2 + (centres[, 2] - (n0 + 250))^2)
grid_counts <- rpois(cols * rows, 1 + 9 * exp(-d_hot / 250))
# Jittered points for knn (a regular grid has tied distances, which spdep and svo may break differently).
pts <- centres + matrix(runif(2 * cols * rows, -30, 30), ncol = 2)
write_fixture(list(
  meta = meta,
  grid = list(cols = cols, rows = rows, cell = cell, origin = c(e0, n0)),
  counts = grid_counts,
  queen = scheme(grid_counts, poly2nb(grid, queen = TRUE, snap = SNAP)),
  rook = scheme(grid_counts, poly2nb(grid, queen = FALSE, snap = SNAP)),
  distance_250 = scheme(grid_counts, dnearneigh(centres, 0, 250)),
  knn_points = as.vector(t(pts)),
  knn_4 = scheme(grid_counts, knn2nb(knearneigh(pts, k = 4)))
), "test/fixtures/spatial/gistar-grid.json")

# (2) The LLR LSOAs, with a seeded count per LSOA (over-dispersed, like crime counts).
args <- commandArgs(trailingOnly = TRUE)
llr_path <- if (length(args) >= 1) args[1] else "../shared/data/lsoa-boundaries-llr/llr-lsoa11-merged.geojson"
llr <- st_transform(st_read(llr_path, quiet = TRUE), BNG)
llr <- llr[order(llr$LSOA11CD), ]
set.seed(611)
llr_counts <- rpois(nrow(llr), exp(rnorm(nrow(llr), 1.5, 0.9)))
centroids <- st_coordinates(st_centroid(st_geometry(llr)))
write_fixture(list(
  meta = c(meta, list(boundaries = basename(llr_path), snap_m = SNAP)),
  codes = llr$LSOA11CD,
  counts = llr_counts,
  centroids = as.vector(t(centroids)),
  queen = scheme(llr_counts, poly2nb(llr, queen = TRUE, snap = SNAP)),
  rook = scheme(llr_counts, poly2nb(llr, queen = FALSE, snap = SNAP)),
  distance_1500 = scheme(llr_counts, dnearneigh(centroids, 0, 1500)),
  knn_6 = scheme(llr_counts, knn2nb(knearneigh(centroids, k = 6)))
), "test/fixtures/spatial/gistar-llr.json")
