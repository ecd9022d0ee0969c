// Package keyed holds values found by a key of their own: by scanning a
// list while they are few, through a map once there are more.
//
// A replication's world keeps a handful of some things (accounts in a
// ledger, spot pools in a service) for which a map's first group, some
// 250–340 bytes, costs more to make and to read than a scan; a study of
// many accounts or every pool of a region still needs a map.
//
//	var l keyed.List[string, *account]
//	l.Add(a)
//	a, ok := l.Find("123456789012")
package keyed

// Keyed is a value that carries its key.
type Keyed[K comparable] interface{ Key() K }

// ScanMax is how many values a List scans before it indexes them in a map.
const ScanMax = 8

// List is values in the order they were added, found by key. The zero
// List is empty and ready to use. Keys are unique: Add does not check.
type List[K comparable, V Keyed[K]] struct {
	vals  []V
	index map[K]V // made once there are more than ScanMax values
}

// Room makes room the backing store of the first values (if none was
// added yet), for an owner that keeps that room beside the List and so
// saves an allocation while the values are few.
func (l *List[K, V]) Room(room []V) {
	if l.vals == nil {
		l.vals = room[:0]
	}
}

// Find returns the value with key k.
func (l *List[K, V]) Find(k K) (V, bool) {
	if l.index != nil {
		v, ok := l.index[k]
		return v, ok
	}
	for _, v := range l.vals {
		if v.Key() == k {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// Add appends v, whose key is not in l yet.
func (l *List[K, V]) Add(v V) {
	l.vals = append(l.vals, v)
	switch {
	case l.index != nil:
		l.index[v.Key()] = v
	case len(l.vals) > ScanMax:
		l.index = make(map[K]V, 2*len(l.vals))
		for _, w := range l.vals {
			l.index[w.Key()] = w
		}
	}
}

// All returns the values in the order they were added (nil if none); the
// caller must not change the slice.
func (l *List[K, V]) All() []V {
	if len(l.vals) == 0 {
		return nil
	}
	return l.vals
}
