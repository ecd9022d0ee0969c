// Package plot draws the results of a sim/study study with
// gonum.org/v1/plot: histograms, empirical CDFs, box plots, and means with
// confidence intervals across a sweep. It is a package of its own so that
// importing sim/study does not pull in a plotting library and its fonts.
//
// # Usage
//
//	res, err := study.Run(ctx, cfg, fn)
//	...
//	err = study.WriteFile("wall.svg", func(w io.Writer) error {
//		return plot.MeanCI(w, "svg", res, "wall_h", "interval_s", 0.95)
//	})
//
// Every function writes one plot in a format gonum's canvases know: "svg",
// "png", "pdf", "eps", "jpg" or "tif". study.WriteFile writes it to a
// temporary file and renames it into place, so a killed process never
// leaves half a plot behind.
package plot
