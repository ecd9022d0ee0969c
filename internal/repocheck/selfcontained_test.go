package repocheck

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// outside matches references to files that live next to the repository
// during development but not in a clone: the design and reference notes,
// the shared benchmark folder, and the notes' bracketed source tags (an
// S and a number in square brackets, alone or in a list). Sources are
// cited by URL instead (see each package's sources.go). The patterns and
// samples are spelled so that this file does not match itself.
var outside = []*regexp.Regexp{
	regexp.MustCompile(`REFER[E]NCE(\.md|\s+[0-9])`),
	regexp.MustCompile(`DESIG[N]\.md`),
	regexp.MustCompile(`\.\.[/]shared\b`),
	regexp.MustCompile(`/work[/]`),
	regexp.MustCompile(`\[S[0-9]+[],;]`),
	regexp.MustCompile(`[ ,]S[0-9]+\]`),
}

func TestPatternsCatchOutsideReferences(t *testing.T) {
	for _, bad := range []string{
		"// figures from REFER" + "ENCE.md 2.1",
		"[REFER" + "ENCE 3.3, S1" + "3]",
		"see DESIG" + "N.md",
		"(cd ../" + "shared/bench/go-baseline && go run .)",
		"price [S" + "5]",
		"sources [S" + "35, S4" + "0]",
		"[REFER" + "ENCE 4, S17, S" + "18]",
	} {
		require.True(t, matches(bad), "not caught: %q", bad)
	}
	for _, good := range []string{
		"[AWS pricing pages]",
		"[Amazon S3 error responses]",
		"Amazon S3 Standard storage",
		"TestErlangCReferenceValues",
		"https://aws.amazon.com/s3/pricing/",
	} {
		require.False(t, matches(good), "false alarm: %q", good)
	}
}

func matches(line string) bool {
	for _, re := range outside {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

// TestNoReferencesOutsideTheRepository reads every tracked text file
// (every file under the module root when git is not available) and fails
// on any line that points outside the repository.
func TestNoReferencesOutsideTheRepository(t *testing.T) {
	root := moduleRoot(t)
	files := trackedFiles(t, root)
	require.NotEmpty(t, files)
	var found []string
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			continue // deleted in the working tree but still tracked
		}
		if bytes.IndexByte(data, 0) >= 0 {
			continue // binary
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
		for n := 1; sc.Scan(); n++ {
			if matches(sc.Text()) {
				found = append(found, rel+":"+strconv.Itoa(n)+": "+strings.TrimSpace(sc.Text()))
			}
		}
		require.NoError(t, sc.Err(), rel)
	}
	require.Empty(t, found, "references to files outside the repository; cite the original source (URL) instead")
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the test's directory")
		dir = parent
	}
}

func trackedFiles(t *testing.T, root string) []string {
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		var files []string
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
		return files
	}
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files = append(files, rel)
		}
		return nil
	})
	require.NoError(t, err)
	return files
}
