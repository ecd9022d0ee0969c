package iam

// The wildcard matcher against a slow, obvious oracle (regexp), as
// net/netip checks its parser against slow_test.go.

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// oracleGlob builds the regexp IAM's wildcard rules describe: * any run of
// characters (including none, and including '/' and ':'), ? exactly one.
func oracleGlob(pat string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?s)")
	if fold {
		b.WriteString("(?i)")
	}
	for _, r := range pat {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func TestGlobMatchesOracle(t *testing.T) {
	// A small alphabet makes matches and near misses common.
	alpha := rapid.SampledFrom([]rune{'a', 'b', 'A', '/', ':', '*', '?', 'é'})
	rapid.Check(t, func(t *rapid.T) {
		pat := string(rapid.SliceOfN(alpha, 0, 8).Draw(t, "pattern"))
		s := string(rapid.SliceOfN(rapid.SampledFrom([]rune{'a', 'b', 'A', '/', ':', 'é'}), 0, 10).Draw(t, "subject"))
		fold := rapid.Bool().Draw(t, "fold")
		p, err := compilePattern(pat, true, false, fold)
		if err != nil {
			t.Fatal(err)
		}
		// The oracle folds Unicode; the matcher folds with strings.EqualFold,
		// which agrees on this alphabet.
		want := oracleGlob(pat, fold).MatchString(s)
		if got := p.match(s, nil); got != want {
			t.Fatalf("pattern %q subject %q fold %v: got %v, oracle %v", pat, s, fold, got, want)
		}
	})
}

func TestGlobWithVariablesMatchesSubstitution(t *testing.T) {
	// A pattern with ${aws:username} behaves as the pattern with the value
	// substituted literally (wildcards in the value are not wildcards).
	ec := &evalCtx{req: &Request{}, p: testUser()}
	for _, c := range []struct {
		pat, s string
		want   bool
	}{
		{"home/${aws:username}/*", "home/alice/x", true},
		{"home/${aws:username}/*", "home/alice", false},
		{"home/${aws:username}*", "home/alicexyz", true},
		{"*${aws:username}", "xx/alice", true},
		{"?${aws:username}?", "1alice2", true},
		{"${aws:username}${aws:username}", "alicealice", true},
		{"${aws:username}${aws:username}", "alice", false},
	} {
		p, err := compilePattern(c.pat, true, true, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.match(c.s, ec); got != c.want {
			t.Errorf("%q on %q: got %v", c.pat, c.s, got)
		}
	}
}

// TestCompilePatternLiterals: literal runs, whether slices of the pattern
// or joined around ${*}, ${?} and ${$}, come out whole and in order.
func TestCompilePatternLiterals(t *testing.T) {
	lits := func(src string) []string {
		p, err := compilePattern(src, true, true, false)
		require.NoError(t, err)
		var out []string
		for _, tk := range p.toks {
			switch tk.kind {
			case tLit:
				out = append(out, tk.s)
			case tStar:
				out = append(out, "<*>")
			case tQM:
				out = append(out, "<?>")
			case tVar:
				out = append(out, "<"+tk.s+">")
			}
		}
		return out
	}
	require.Equal(t, []string{"ab", "<*>", "cd"}, lits("ab*cd"))
	require.Equal(t, []string{"a*b"}, lits("a${*}b"))
	require.Equal(t, []string{"*?$"}, lits("${*}${?}${$}"))
	require.Equal(t, []string{"x${y"}, lits("x${y"))
	require.Equal(t, []string{"p", "<aws:username>", "q?r", "<?>", "s"}, lits("p${aws:username}q${?}r?s"))
	require.Equal(t, []string{"a*", "<*>", "b"}, lits("a${*}*b"))
}

// FuzzStarMatch: for every pattern of the shStars shape, starMatch
// answers as the general matcher, globMatch, does.
func FuzzStarMatch(f *testing.F) {
	for _, c := range [][2]string{{"training-*/*", "training-data/shards/part-00042.tar"}, {"*/b*c", "a/bxc"}, {"a*a", "a"},
		{"a*a", "aa"}, {"*ab*ab", "xabab"}, {"é*\xa9", "é\xa9"}, {"*\xc3*", "é"}, {"*x*", "\xffx\x80"}, {"a*b*c*", "abc"}, {"*", ""}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		p, err := compilePattern(pat, true, false, false)
		if err != nil || p.shape != shStars {
			return
		}
		require.Equal(t, globMatch(p.toks, s, false, nil), starMatch(p.toks, s), "pattern %q on %q", pat, s)
	})
}
