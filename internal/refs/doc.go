// Package refs stores and compares reference-holding values (strings,
// pointers, maps, funcs) the way the request path's hot structures need.
//
// A store of a pointer word runs the garbage collector's write barrier
// while it marks, whatever the value stored. The request path copies
// requests into reused structures on every call, and a caller's calls
// come in runs whose strings and pointers are the very ones of the last
// call: storing only where the value differs skips most of those
// barriers.
//
//	refs.SetString(&r.Service, src.Service) // no store when unchanged
//	refs.SetPtr(&r.Policy, src.Policy)
//	if !refs.Same(&r.Context, &src.Context) { r.Context = src.Context }
package refs
