package region

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// fillNonZero sets every field of v, exported or not, recursively, to a
// non-zero value, so that a test sees a field that copying or clearing
// code forgot (say, one added to Request later).
func fillNonZero(t *testing.T, v reflect.Value) {
	t.Helper()
	if !v.CanSet() {
		v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x-" + v.Type().String())
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(7)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	case reflect.Func:
		v.Set(reflect.MakeFunc(v.Type(), func([]reflect.Value) []reflect.Value { return nil }))
	case reflect.Struct:
		for i := range v.NumField() {
			fillNonZero(t, v.Field(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			fillNonZero(t, v.Index(i))
		}
	default:
		t.Fatalf("fillNonZero: unhandled kind %v (%v)", v.Kind(), v.Type())
	}
}

// nonZeroFields names the fields of struct v that are not zero.
func nonZeroFields(v reflect.Value) []string {
	var names []string
	for i := range v.NumField() {
		if !v.Field(i).IsZero() {
			names = append(names, v.Type().Field(i).Name)
		}
	}
	return names
}

// TestRequestSetAndClear: Request.set copies every field, Request.clear
// clears every one (they go field by field, so a field added to Request
// must be added to both), each field on its own as well as all at once.
func TestRequestSetAndClear(t *testing.T) {
	var full Request
	fillNonZero(t, reflect.ValueOf(&full).Elem())
	require.Empty(t, nonZeroFieldsComplement(reflect.ValueOf(full)), "fillNonZero left fields zero")

	var r Request
	r.set(&full)
	requireSameRequest(t, &full, &r)
	r.clear()
	require.Empty(t, nonZeroFields(reflect.ValueOf(r)), "fields left after clear")

	typ := reflect.TypeFor[Request]()
	for i := range typ.NumField() {
		var one Request
		src := reflect.ValueOf(&one).Elem().Field(i)
		fillNonZero(t, src)
		var r Request
		r.set(&one)
		requireSameRequest(t, &one, &r)
		r.clear()
		require.Empty(t, nonZeroFields(reflect.ValueOf(r)), "field %s after clear", typ.Field(i).Name)
	}
}

// nonZeroFieldsComplement names the fields of struct v that are zero.
func nonZeroFieldsComplement(v reflect.Value) []string {
	var names []string
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			names = append(names, v.Type().Field(i).Name)
		}
	}
	return names
}

// requireSameRequest compares two Requests field by field; functions,
// which == cannot compare, must be the same function.
func requireSameRequest(t *testing.T, want, got *Request) {
	t.Helper()
	w, g := reflect.ValueOf(want).Elem(), reflect.ValueOf(got).Elem()
	for i := range w.NumField() {
		name := w.Type().Field(i).Name
		wf, gf := w.Field(i), g.Field(i)
		if wf.Kind() == reflect.Func {
			require.Equal(t, wf.Pointer(), gf.Pointer(), "field %s", name)
			continue
		}
		wf = reflect.NewAt(wf.Type(), unsafe.Pointer(wf.UnsafeAddr())).Elem()
		gf = reflect.NewAt(gf.Type(), unsafe.Pointer(gf.UnsafeAddr())).Elem()
		require.Equal(t, wf.Interface(), gf.Interface(), "field %s", name)
	}
}

// TestReleaseClearsTheFrame: release, which clears a frame field by field,
// leaves nothing of the call in it but the Call's pointers to the World
// and the frame's own Request and Route, and the meters' (cleared) array.
func TestReleaseClearsTheFrame(t *testing.T) {
	w := pipelineWorld(t, 1)
	pp := &w.pipe
	f := pp.frame(w)
	require.Same(t, w, f.call.w)
	require.Same(t, &f.req, f.call.req)
	require.Same(t, &f.route, f.call.routeBuf)

	fillNonZero(t, reflect.ValueOf(&f.req).Elem())
	fillNonZero(t, reflect.ValueOf(&f.route).Elem())
	c := &f.call
	fillNonZero(t, reflect.ValueOf(c).Elem())
	c.w, c.req, c.routeBuf, c.route = w, &f.req, &f.route, &f.route
	met := 0
	c.meters = []func(){func() { met++ }, func() { met++ }}
	meters := c.meters
	require.Empty(t, nonZeroFieldsComplement(reflect.ValueOf(*c)), "the test left Call fields zero")

	pp.release(f)
	require.Same(t, f, pp.free[len(pp.free)-1])
	require.Empty(t, nonZeroFields(reflect.ValueOf(f.req)), "Request fields left")
	require.Empty(t, nonZeroFields(reflect.ValueOf(f.route)), "Route fields left")
	require.Equal(t, []string{"w", "req", "routeBuf", "meters"}, nonZeroFields(reflect.ValueOf(*c)),
		"Call fields left")
	require.Same(t, w, c.w)
	require.Same(t, &f.req, c.req)
	require.Same(t, &f.route, c.routeBuf)
	require.Empty(t, c.meters)
	require.Equal(t, 2, cap(c.meters), "the meters' array is kept")
	require.Nil(t, meters[0], "a released meter is dropped")
	require.Nil(t, meters[1], "a released meter is dropped")
	require.Zero(t, met)
	require.Same(t, f, pp.frame(w), "the released frame is reused")
}

// TestRoutedCallClearsItsRoute: a Route and a Call kept past a routed
// call read zero values once it returned (the frame's Route is cleared
// when a Router wrote it), and the Call still reaches a (zero) Request.
func TestRoutedCallClearsItsRoute(t *testing.T) {
	w := pipelineWorld(t, 1)
	w.Network().SetRouter(&testRouter{})
	var route *Route
	var call *Call
	var hops int
	var err error
	run(w, func(p *sim.Proc) {
		err = w.Call(p, getReq(w, vpcLoc(t, w, "subnet-public")), func(c *Call) error {
			route, call, hops = c.Route(), c, len(c.Route().Hops)
			return nil
		})
	})
	require.NoError(t, err)
	require.Equal(t, 2, hops, "the effect saw the Router's route")
	require.Nil(t, route.Hops)
	require.True(t, route.Keys.IsZero())
	require.Empty(t, nonZeroFields(reflect.ValueOf(*route)), "Route fields left")
	require.Nil(t, call.Route())
	require.Empty(t, call.Request().Resource)
	require.Empty(t, call.Principal().ARN)
	require.Zero(t, call.Attempt())
}
