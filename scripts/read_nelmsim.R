#!/usr/bin/env Rscript
# Kaplan-Meier median overall survival per strategy of a nelmsim run file,
# computed with survival::survfit from the per-patient data, read with hdf5r.
# Run `Rscript scripts/read_nelmsim.R --help`; see docs/ANALYSIS.md.

usage <- "usage: Rscript read_nelmsim.R RUN.h5 [--digits D] [--csv OUT.csv]"
help_text <- "
Reads a nelmsim run file (nelmsim run -o RUN.h5, with --trajectories outcomes
or full) with hdf5r, and fits survival::survfit(Surv(os, cause !=
\"alive_at_horizon\") ~ 1) to each strategy's rows of /outcomes. Prints one row
per strategy: n, events, the median OS and its 95 % interval as survfit gives
them (log interval, Greenwood variance; NA: not reached). These are the
medians nelmsim summary prints.

  --digits D     decimals printed (default 2)
  --csv OUT.csv  also write the table as CSV, full precision
  -h, --help     this help

Needs Debian r-cran-hdf5r and r-cran-survival (scripts/setup-debian.sh).
Exit status: 0 done, 1 usage error, 2 bad input file, 3 cannot write.
"

die <- function(status, fmt, ...) {
  cat(sprintf(paste0("read_nelmsim.R: ", fmt, "\n"), ...), file = stderr())
  quit(save = "no", status = status)
}

args <- commandArgs(trailingOnly = TRUE)
if (any(args %in% c("-h", "--help"))) {
  cat(usage, "\n", help_text, sep = "")
  quit(save = "no", status = 0)
}
file <- NULL
digits <- 2L
csv_out <- NULL
i <- 1L
while (i <= length(args)) {
  a <- args[[i]]
  if (a %in% c("--digits", "--csv")) {
    if (i == length(args)) {
      cat(usage, "\n", file = stderr())
      die(1, "%s needs a value", a)
    }
    v <- args[[i + 1L]]
    if (a == "--digits") {
      digits <- suppressWarnings(as.integer(v))
      if (is.na(digits) || digits < 0 || digits > 15)
        die(1, "--digits: expected 0 to 15, got '%s'", v)
    } else {
      csv_out <- v
    }
    i <- i + 2L
  } else if (startsWith(a, "-") && a != "-") {
    cat(usage, "\n", file = stderr())
    die(1, "unknown option %s", a)
  } else {
    if (!is.null(file)) {
      cat(usage, "\n", file = stderr())
      die(1, "one run file only")
    }
    file <- a
    i <- i + 1L
  }
}
if (is.null(file)) {
  cat(usage, "\n", file = stderr())
  die(1, "a run file is required")
}

for (pkg in c("hdf5r", "survival")) {
  if (!requireNamespace(pkg, quietly = TRUE))
    die(2, "R package %s is missing (Debian: apt-get install r-cran-%s)", pkg, pkg)
}
suppressPackageStartupMessages({
  library(hdf5r)
  library(survival)
})

if (!file.exists(file)) die(2, "%s: no such file", file)
if (dir.exists(file)) die(2, "%s: is a directory, not a nelmsim run file", file)
if (file.access(file, 4) != 0) die(2, "%s: cannot read (permission denied)", file)
if (!isTRUE(suppressWarnings(tryCatch(is.h5file(file), error = function(e) FALSE))))
  die(2, "%s: not an HDF5 file (expected a nelmsim run file)", file)

f <- tryCatch(H5File$new(file, mode = "r"),
              error = function(e) die(2, "%s: cannot open as HDF5", file))
attr_or_na <- function(name) {
  if (name %in% h5attr_names(f)) h5attr(f, name) else NA
}
fmt <- attr_or_na("format")
if (is.na(fmt) || !(fmt %in% c("nelmsim run", "nelmsim sweep", "nelmsim psa")))
  die(2, "%s: not a nelmsim file (root attribute format is %s)", file,
      if (is.na(fmt)) "missing" else paste0("'", fmt, "'"))
if (fmt != "nelmsim run")
  die(2, paste("%s: is a %s file; read_nelmsim.R reads run files",
               "(for scenarios use scripts/plot_scenarios.py)"),
      file, fmt)
if (!isTRUE(attr_or_na("complete") == 1))
  die(2, "%s: unfinished nelmsim file (no complete = 1)", file)
if (!f$exists("outcomes"))
  die(2, paste("%s: has no per-patient outcomes (written with --trajectories %s);",
               "run nelmsim with --trajectories outcomes or full"),
      file, attr_or_na("trajectories"))

read_col <- function(path) {
  v <- tryCatch(f[[path]]$read(), error = function(e) die(2, "%s: cannot read /%s", file, path))
  if (inherits(v, "factor_ext")) v <- factor(as.character(v), levels = levels(v))
  v
}
strategies <- read_col("strategies/name")
strategy <- read_col("outcomes/strategy")
os <- read_col("outcomes/os")
cause <- read_col("outcomes/cause")
seed <- attr_or_na("seed")
patients <- attr_or_na("patients")
f$close_all()

event <- as.character(cause) != "alive_at_horizon"
sv <- as.character(strategy)
rows <- lapply(strategies, function(s) {
  k <- sv == s
  if (!any(k)) return(NULL)
  fit <- survfit(Surv(os[k], event[k]) ~ 1)
  tb <- summary(fit)$table
  data.frame(strategy = s, n = sum(k), events = sum(event[k]),
             median = unname(tb["median"]), lower = unname(tb["0.95LCL"]),
             upper = unname(tb["0.95UCL"]), stringsAsFactors = FALSE)
})
res <- do.call(rbind, rows)

num <- function(x) ifelse(is.na(x), "NA", formatC(x, format = "f", digits = digits))
cat(sprintf(paste("%s: seed %s, %s patients per strategy; survival::survfit %s",
                  "(Kaplan-Meier, log interval)\n"),
            file, format(seed), format(patients), as.character(packageVersion("survival"))))
out <- data.frame(strategy = res$strategy, n = res$n, events = res$events,
                  median = num(res$median), `0.95LCL` = num(res$lower),
                  `0.95UCL` = num(res$upper), check.names = FALSE, stringsAsFactors = FALSE)
print(out, row.names = FALSE, right = TRUE)

if (!is.null(csv_out)) {
  ok <- tryCatch({
    full <- res
    for (c in c("median", "lower", "upper"))
      full[[c]] <- ifelse(is.na(res[[c]]), "", sprintf("%.17g", res[[c]]))
    write.csv(full, csv_out, row.names = FALSE, quote = FALSE)
    TRUE
  }, error = function(e) FALSE, warning = function(w) FALSE)
  if (!ok) die(3, "cannot write %s", csv_out)
  cat(sprintf("csv: %s\n", csv_out))
}
