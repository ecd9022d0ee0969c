package plot_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/nimbus-sim/nimbus/sim/study"
	"github.com/nimbus-sim/nimbus/sim/study/plot"
)

// Draw the spread of a metric at every sweep point as a box plot.
func ExampleBox() {
	cfg := study.Config{Seed: 1, Reps: 50, Points: study.Grid(study.Axis{Name: "scale", Values: []float64{1, 2}})}
	res, err := study.Run(context.Background(), cfg, func(rep *study.Rep) study.Result {
		return study.Result{"x": rep.Param("scale") * rep.Env.Rand("x").ExpFloat64()}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var svg bytes.Buffer // or study.WriteFile("x.svg", ...) to write a file atomically
	if err := plot.Box(&svg, "svg", res, "x"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(svg.String(), "Distribution of x"))
	// Output: true
}
