package vpc

import (
	"errors"
	"slices"

	"github.com/aws/smithy-go"
)

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

func opName(err error) string {
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return oe.OperationName
	}
	return ""
}

func tagsCopy(t []Tag) []Tag { return append([]Tag(nil), t...) }

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// put sets (*m)[k] = v, making the map on first use.
func put[K comparable, V any](m *map[K]V, k K, v V) {
	if *m == nil {
		*m = map[K]V{}
	}
	(*m)[k] = v
}
