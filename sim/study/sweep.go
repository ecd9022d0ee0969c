package study

import (
	"fmt"
	"strconv"
	"strings"
)

// Param is one named parameter value of a sweep point.
type Param struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// Point is one configuration of a sweep: an ordered list of parameters.
type Point []Param

// Pt builds a point from name, value pairs: Pt("c", 2, "lambda", 1.8).
// Values may be any integer or float type. Malformed pairs panic.
func Pt(kv ...any) Point {
	if len(kv)%2 != 0 {
		panic("study: Pt: odd number of arguments")
	}
	p := make(Point, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		name, ok := kv[i].(string)
		if !ok {
			panic(fmt.Sprintf("study: Pt: argument %d is %T, want a parameter name", i, kv[i]))
		}
		var v float64
		switch x := kv[i+1].(type) {
		case float64:
			v = x
		case float32:
			v = float64(x)
		case int:
			v = float64(x)
		case int64:
			v = float64(x)
		case uint64:
			v = float64(x)
		default:
			panic(fmt.Sprintf("study: Pt: value of %q is %T, want a number", name, x))
		}
		p = append(p, Param{name, v})
	}
	return p
}

// Get returns the value of a parameter.
func (p Point) Get(name string) (float64, bool) {
	for _, kv := range p {
		if kv.Name == name {
			return kv.Value, true
		}
	}
	return 0, false
}

// String prints "c=2 lambda=1.8".
func (p Point) String() string {
	parts := make([]string, len(p))
	for i, kv := range p {
		parts[i] = kv.Name + "=" + strconv.FormatFloat(kv.Value, 'g', -1, 64)
	}
	return strings.Join(parts, " ")
}

func (p Point) validate() error {
	seen := map[string]bool{}
	for _, kv := range p {
		if kv.Name == "" {
			return fmt.Errorf("empty parameter name in %v", p)
		}
		if seen[kv.Name] {
			return fmt.Errorf("parameter %q repeated in %v", kv.Name, p)
		}
		seen[kv.Name] = true
		if !finite(kv.Value) {
			return fmt.Errorf("parameter %q is %v", kv.Name, kv.Value)
		}
	}
	return nil
}

// Axis is one dimension of a grid.
type Axis struct {
	Name   string
	Values []float64
}

// Grid returns the cartesian product of the axes, the last axis varying
// fastest: Grid(Axis{"c", {1, 2}}, Axis{"rho", {0.5, 0.9}}) is
// c=1 rho=0.5, c=1 rho=0.9, c=2 rho=0.5, c=2 rho=0.9.
func Grid(axes ...Axis) []Point {
	points := []Point{{}}
	for _, ax := range axes {
		var next []Point
		for _, p := range points {
			for _, v := range ax.Values {
				q := make(Point, len(p), len(p)+1)
				copy(q, p)
				next = append(next, append(q, Param{ax.Name, v}))
			}
		}
		points = next
	}
	return points
}
