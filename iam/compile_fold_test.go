package iam

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzMayFold: mayFold never says no where strings.EqualFold says yes.
func FuzzMayFold(f *testing.F) {
	for _, c := range [][2]string{{"s3:GetObject", "ec2:*"}, {"S3:x", "s3:x"}, {"\u212a", "k"}, {"\u017f", "s"}, {"@", "`"}, {"", "a"}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, s, lit string) {
		if strings.EqualFold(s, lit) {
			require.True(t, mayFold(s, lit), "mayFold(%q, %q) = false, but they fold equal", s, lit)
		}
	})
}
