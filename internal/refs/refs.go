package refs

import (
	"unsafe"

	"github.com/nimbus-sim/nimbus/internal/strs"
)

// SetString sets *p to v unless it already is the same string (the same
// bytes in memory), when the store would change nothing. Equal strings in
// other memory are stored.
func SetString(p *string, v string) {
	if !strs.SameMemory(*p, v) {
		*p = v
	}
}

// SetPtr sets *p to v unless it already is v.
func SetPtr[T any](p **T, v *T) {
	if *p != v {
		*p = v
	}
}

// Same reports whether *a and *b, values of a one-word reference type
// that == cannot compare (a map or a func), are the same reference: the
// same map, or the same closure. Two distinct maps with equal contents
// are not the same.
func Same[T any](a, b *T) bool {
	if unsafe.Sizeof(*a) != unsafe.Sizeof(unsafe.Pointer(nil)) {
		panic("refs.Same: not a one-word reference type")
	}
	return *(*unsafe.Pointer)(unsafe.Pointer(a)) == *(*unsafe.Pointer)(unsafe.Pointer(b))
}
