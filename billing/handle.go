package billing

import "github.com/nimbus-sim/nimbus/sim"

// UsageKey is a pre-resolved usage key: a service that reports many
// records with the same dimensions (GETs on one bucket, bytes out of one
// instance) resolves the key once with Key and then pays only an integer
// add per record with Add — no hashing of the key's strings. The zero value
// is invalid.
type UsageKey struct{ idx uint32 }

// IsValid reports whether k came from Key.
func (k UsageKey) IsValid() bool { return k.idx != 0 }

type keyHandle struct {
	base  lineKey // month filled per record
	month Month
	slot  int32
}

// Key resolves u's dimensions (everything but Start, End and Quantity)
// into a UsageKey, validating the usage type and region as Record does.
func (l *Ledger) Key(u Usage) (UsageKey, error) {
	now := l.env.Now()
	if u.Price < 0 {
		return UsageKey{}, newErr(ErrInvalidUsage, "billing: negative price %v for %s", u.Price, u.UsageType)
	}
	d, err := l.dimsOf(&u)
	if err != nil {
		return UsageKey{}, err
	}
	k := lineKey{slotKey: slotKey{dims: d, month: l.monthOf(now), price: u.Price}, resource: u.ResourceID}
	if len(u.Tags) > 0 {
		k.tags = l.tagID(u.Tags)
	}
	i, err := l.slotOf(&k)
	if err != nil {
		return UsageKey{}, err
	}
	if len(l.handles) == 0 {
		l.handles = append(l.handles, keyHandle{}) // index 0 is the invalid key
	}
	l.handles = append(l.handles, keyHandle{base: k, month: k.month, slot: i})
	return UsageKey{idx: uint32(len(l.handles) - 1)}, nil
}

// Add records quantity raw units of a pre-resolved key at instant at (the
// month is that of at). It is Record without the key lookup.
func (l *Ledger) Add(k UsageKey, quantity int64, at sim.Time) error {
	if k.idx == 0 || int(k.idx) >= len(l.handles) {
		return newErr(ErrInvalidUsage, "billing: invalid usage key")
	}
	if quantity < 0 {
		return newErr(ErrInvalidUsage, "billing: negative quantity %d", quantity)
	}
	h := &l.handles[k.idx]
	if m := l.monthOf(at); m != h.month {
		key := h.base
		key.month = m
		i, err := l.slotOf(&key)
		if err != nil {
			return err
		}
		h.month, h.slot = m, i
	}
	s := l.slots.at(h.slot)
	s.qty.add64(uint64(quantity))
	s.first = min(s.first, at)
	s.last = max(s.last, at)
	s.records++
	if l.watched != nil {
		l.noteRecord(l.dims[h.base.dims].account, quantity, l.slotBound(&s.key))
	}
	return nil
}
