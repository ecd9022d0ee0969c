package iam

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// refGlobMatch is globMatch as it was before it skipped ahead to the
// literal after a star: the star grows one character at a time.
func refGlobMatch(toks []tok, s string, fold bool, r *evalCtx) bool {
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tStar:
				starT, starS = ti, si
				ti++
				continue
			case tQM:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			case tLit, tVar:
				lit := t.s
				if t.kind == tVar {
					v, ok := r.variable(t.s, t.bid)
					if !ok {
						if !t.hasDef {
							return false
						}
						v = t.def
					}
					lit = v
				}
				if hasPrefixFold(s[si:], lit, fold) {
					si += len(lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		ti, si = starT+1, starS
	}
}

// TestGlobSkipAhead: globMatch decides as the character-at-a-time matcher
// on random patterns and texts, with multi-byte characters and invalid
// UTF-8 among them.
func TestGlobSkipAhead(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "b", "/", "ab", "ba", "é", "\xc3", "\xa9", "K", "k", "\u212a", "*", "?", "*/", "a*b"}
	gen := func(n int, wild bool) string {
		var b []byte
		for range n {
			p := pieces[rng.IntN(len(pieces))]
			if !wild && (p == "*" || p == "?" || p == "*/" || p == "a*b") {
				continue
			}
			b = append(b, p...)
		}
		return string(b)
	}
	general, matched := 0, 0
	for i := range 200000 {
		pat, text := gen(rng.IntN(6), true), gen(rng.IntN(10), false)
		if i%2 == 0 {
			// A text the pattern likely matches: its wildcards filled in.
			var b []byte
			for j := 0; j < len(pat); j++ {
				switch pat[j] {
				case '*':
					b = append(b, gen(rng.IntN(4), false)...)
				case '?':
					b = append(b, pieces[rng.IntN(len(pieces)-4)][0])
				default:
					b = append(b, pat[j])
				}
			}
			text = string(b)
		}
		for _, fold := range []bool{false, true} {
			p, err := compilePattern(pat, true, false, fold)
			if err != nil {
				t.Fatal(err)
			}
			toks := p.toks
			if p.shape != shGeneral {
				continue
			}
			general++
			if refGlobMatch(toks, text, fold, nil) {
				matched++
			}
			if got, want := globMatch(toks, text, fold, nil), refGlobMatch(toks, text, fold, nil); got != want {
				t.Fatalf("case %d: pattern %q text %q fold %v: got %v, want %v", i, pat, text, fold, got, want)
			}
		}
	}
	if general < 50000 || matched < 20000 {
		t.Fatalf("only %d general patterns, %d matches: the cases miss the matcher", general, matched)
	}
}
