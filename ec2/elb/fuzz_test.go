package elb

import (
	"strings"
	"testing"
)

// FuzzMatchPath: matching never panics, "*" matches everything, and a
// pattern without wildcards matches exactly itself.
func FuzzMatchPath(f *testing.F) {
	for _, s := range [][2]string{{"/api/*", "/api/v1"}, {"/img/?.png", "/img/a.png"}, {"*", ""}, {"/a*b*c", "/axxbyyc"}, {"/x", "/y"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		if len(pattern) > 64 || len(path) > 64 {
			return
		}
		got := matchPath(pattern, path)
		if !matchPath("*", path) {
			t.Fatalf("* did not match %q", path)
		}
		if !strings.ContainsAny(pattern, "*?") && got != (pattern == path) {
			t.Fatalf("literal %q vs %q: %v", pattern, path, got)
		}
		if !matchPath(path+"*", path) && !strings.ContainsAny(path, "*?") {
			t.Fatalf("%q* did not match %q", path, path)
		}
	})
}

// FuzzMatcher: the health-check matcher parser rejects or accepts without
// panicking; an accepted matcher only matches codes in 200-499.
func FuzzMatcher(f *testing.F) {
	for _, s := range []string{"200", "200,202", "200-299", "499", "100", "200-", "abc", "300-200"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, m string) {
		match, err := parseMatcher(m)
		if err != nil {
			return
		}
		for _, c := range []int{0, 199, 500, 600} {
			if match(c) {
				t.Fatalf("matcher %q matched %d", m, c)
			}
		}
	})
}
