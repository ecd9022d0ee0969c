package golden

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records a failure instead of failing the
// test, so that the test can check Check fails when it should.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) FailNow()              { r.failed = true; runtime.Goexit() }

// failed runs check in its own goroutine (FailNow ends it) and reports
// whether it failed.
func failed(t *testing.T, path string, got []byte, rewrite bool) bool {
	r := &recorder{TB: t}
	var wg sync.WaitGroup
	wg.Go(func() { check(r, path, got, rewrite) })
	wg.Wait()
	return r.failed
}

func TestUpdateWritesThenMatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	require.True(t, failed(t, path, []byte("a\n"), false), "a missing file must fail")
	require.False(t, failed(t, path, []byte("a\n"), true))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "a\n", string(b))
	require.False(t, failed(t, path, []byte("a\n"), false))
	require.True(t, failed(t, path, []byte("b\n"), false), "a changed output must fail")
}

// TestCheckReadsTestdata: Check looks under testdata, and -update is off
// unless asked for.
func TestCheckReadsTestdata(t *testing.T) {
	if *update {
		t.Skip("-update would rewrite the fixture")
	}
	Check(t, "fixture.golden", []byte("pinned\n"))
}
