package vpc

import (
	"errors"
	"iter"
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

// idMap maps IDs to the records of one kind. Every world's default VPC
// makes one VPC, main route table, network ACL, default security group
// and internet gateway, and most worlds make no other: the first record
// is kept in the idMap itself and the map is made for a second, since a
// map costs every world some 250 bytes. An ID is in the slot or in the
// map, never both. The zero idMap is empty.
type idMap[V comparable] struct {
	id string // the slot's ID, "" when it is empty
	v  V
	m  map[string]V
}

// get returns the record with that ID, or the zero V.
func (m *idMap[V]) get(id string) V {
	if id == m.id { // an empty slot holds the zero V
		return m.v
	}
	return m.m[id]
}

// put sets the record with that ID.
func (m *idMap[V]) put(id string, v V) {
	switch _, inMap := m.m[id]; {
	case id == m.id:
		m.v = v
	case inMap:
		m.m[id] = v
	case m.id == "":
		m.id, m.v = id, v
	default:
		put(&m.m, id, v)
	}
}

// del removes the record with that ID, if any.
func (m *idMap[V]) del(id string) {
	if id == m.id {
		var zero V
		m.id, m.v = "", zero
		return
	}
	delete(m.m, id)
}

// sortedIDs returns the IDs in order.
func (m *idMap[V]) sortedIDs() []string {
	ks := make([]string, 0, len(m.m)+1)
	if m.id != "" {
		ks = append(ks, m.id)
	}
	for k := range m.m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// all yields every record, in no particular order.
func (m *idMap[V]) all() iter.Seq[V] {
	return func(yield func(V) bool) {
		if m.id != "" && !yield(m.v) {
			return
		}
		for _, v := range m.m {
			if !yield(v) {
				return
			}
		}
	}
}
