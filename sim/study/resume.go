package study

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
)

// syncEvery is how many rows Run appends to a row file between fsyncs.
// A killed process loses nothing it wrote (the kernel has it); a lost
// machine loses at most the rows since the last fsync, which a resume
// reruns. Syncing every row would cost a disk flush per replication.
const syncEvery = 64

// MismatchError reports a row file that belongs to another study: Field
// names the first part of the configuration that differs ("name",
// "version", "seed", "reps", "points", "point 3" or "shard"), File its
// value in the file and Study its value in the configuration.
type MismatchError struct {
	Path        string
	Field       string
	File, Study string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("study: %s belongs to another study: its %s is %s, this study's is %s; rerun with the configuration it records, or remove it to start over",
		e.Path, e.Field, e.File, e.Study)
}

// metaDiff returns the first field in which a and b differ, with a's and
// b's values, or "" if they describe the same study.
func metaDiff(a, b *Meta) (field, av, bv string) {
	switch {
	case a.Name != b.Name:
		return "name", strconv.Quote(a.Name), strconv.Quote(b.Name)
	case a.Version != b.Version:
		return "version", strconv.Quote(a.Version), strconv.Quote(b.Version)
	case a.Seed != b.Seed:
		return "seed", strconv.FormatUint(a.Seed, 10), strconv.FormatUint(b.Seed, 10)
	case a.Reps != b.Reps:
		return "reps", strconv.Itoa(a.Reps), strconv.Itoa(b.Reps)
	case len(a.Points) != len(b.Points):
		return "points", fmt.Sprintf("%d points", len(a.Points)), fmt.Sprintf("%d points", len(b.Points))
	}
	for i := range a.Points {
		p, q := a.Points[i], b.Points[i]
		if len(p) != len(q) || !equalPoint(p, q) {
			return "point " + strconv.Itoa(i), quotePoint(p), quotePoint(q)
		}
	}
	if as, bs := a.Shard.norm(), b.Shard.norm(); as != bs {
		return "shard", as.String(), bs.String()
	}
	return "", "", ""
}

func equalPoint(p, q Point) bool {
	for i := range p {
		// Compare bits: a value read back from JSON is bit-identical to
		// the one written, and NaNs are rejected when points are validated.
		if p[i].Name != q[i].Name || p[i].Value != q[i].Value {
			return false
		}
	}
	return true
}

func quotePoint(p Point) string {
	if len(p) == 0 {
		return "(no parameters)"
	}
	return strconv.Quote(p.String())
}

// rowFile is a JSON Lines row file being appended to.
type rowFile struct {
	f        *os.File
	path     string
	unsynced int
	writeRow func(f *os.File, i int, line []byte) (int, error)
}

func writeRow(f *os.File, _ int, line []byte) (int, error) { return f.Write(line) }

// openRowFile opens the row file of the study meta for appending,
// creating it if it does not exist. If it exists it must describe the
// same study; the rows it holds fill rows, and their count is returned.
// A final row that a crash tore (or any damage from the first unreadable
// line on) is cut off, so that the replications it held run again.
// Anything that is not a row file of this study is refused and left as it
// is.
func openRowFile(path string, meta Meta, rows []Row) (*rowFile, int, error) {
	header := headerLine(&meta)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && len(data) < len(header) && bytes.HasPrefix(header, data)):
		// A new file, or one whose header a crash cut short (WriteFile
		// makes that unlikely; an empty file is such a prefix too).
		// Either way no row is lost by starting it afresh. The header
		// goes in atomically, so the file never exists without it.
		if err := WriteFile(path, func(w io.Writer) error { _, err := w.Write(header); return err }); err != nil {
			return nil, 0, err
		}
		data = header
	case err != nil:
		return nil, 0, fmt.Errorf("study: resume: %w", err)
	}
	if err := checkHeader(path, data, header, &meta); err != nil {
		return nil, 0, err
	}
	pos, n, err := readResumedRows(path, data, len(header), &meta, rows)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("study: resume: %w", err)
	}
	if pos < len(data) {
		// Cut the torn row off before appending: a torn row is never kept.
		if err := f.Truncate(int64(pos)); err != nil {
			f.Close()
			return nil, 0, fmt.Errorf("study: resume: dropping the torn row of %s: %w", path, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, 0, fmt.Errorf("study: resume: %w", err)
		}
	}
	return &rowFile{f: f, path: path, writeRow: writeRow}, n, nil
}

// checkHeader refuses a file whose first line is not meta's header,
// saying why: not a row file at all, a CSV one, or another study's.
func checkHeader(path string, data, header []byte, meta *Meta) error {
	line, _, complete := bytes.Cut(data, []byte{'\n'})
	if complete && bytes.Equal(data[:len(line)+1], header) {
		return nil
	}
	notOurs := func(why string) error {
		return fmt.Errorf("study: %s is not a JSON Lines row file of a study (%s); refusing to resume into it or overwrite it", path, why)
	}
	if bytes.HasPrefix(line, []byte("# "+metaKey+" ")) {
		return notOurs("it is a CSV row file, whose header lists every metric and so is written only at the end; resume needs JSON Lines")
	}
	var head map[string]json.RawMessage
	if !complete || json.Unmarshal(line, &head) != nil || head[metaKey] == nil {
		return notOurs(fmt.Sprintf("its first line %.60q is not a {%q: ...} header", line, metaKey))
	}
	var other Meta
	if err := json.Unmarshal(head[metaKey], &other); err != nil {
		return notOurs(fmt.Sprintf("its header does not describe a study: %v", err))
	}
	if field, fv, sv := metaDiff(&other, meta); field != "" {
		return &MismatchError{Path: path, Field: field, File: fv, Study: sv}
	}
	return notOurs("its header describes this study but not in the form this version of sim/study writes")
}

// readResumedRows reads the rows after the header at data[from:] into
// rows and returns where the intact rows end and how many there are. A
// line that is not a complete, readable row in the form Run writes ends
// them: it is the torn tail of a write (or damage a lost machine left)
// and is dropped with everything after it. A readable row that is not
// the one expected there means the file is another study's, and is
// refused.
func readResumedRows(path string, data []byte, from int, meta *Meta, rows []Row) (pos, n int, err error) {
	s := meta.Shard.norm()
	pos = from
	for pos < len(data) {
		nl := bytes.IndexByte(data[pos:], '\n')
		if nl < 0 {
			break // a torn final row
		}
		line := data[pos : pos+nl+1]
		var jr jsonRow
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if dec.Decode(&jr) != nil {
			break
		}
		row := Row(jr)
		if again, err := rowLine(&row); err != nil || !bytes.Equal(again, line) {
			break
		}
		if n >= len(rows) {
			return 0, 0, fmt.Errorf("study: %s has more rows than shard %v of the study has (%d); refusing to resume into it", path, s, len(rows))
		}
		j := s.Index + n*s.Count
		wantPoint, wantRep := j/meta.Reps, j%meta.Reps
		if row.Point != wantPoint || row.Rep != wantRep || row.Seed != SeedOf(meta.Seed, wantRep) {
			return 0, 0, fmt.Errorf("study: %s line %d is point %d rep %d seed %d, but this study's row there is point %d rep %d seed %d; refusing to resume into it",
				path, n+2, row.Point, row.Rep, row.Seed, wantPoint, wantRep, SeedOf(meta.Seed, wantRep))
		}
		if row.Metrics == nil {
			row.Metrics = Result{}
		}
		rows[n] = row
		n++
		pos += len(line)
	}
	return pos, n, nil
}

// write appends row i's line to the file.
func (rf *rowFile) write(i int, row Row) error {
	line, err := rowLine(&row)
	if err != nil {
		return err
	}
	if _, err := rf.writeRow(rf.f, i, line); err != nil {
		return fmt.Errorf("study: writing %s: %w", rf.path, err)
	}
	if rf.unsynced++; rf.unsynced >= syncEvery {
		rf.unsynced = 0
		if err := rf.f.Sync(); err != nil {
			return fmt.Errorf("study: writing %s: %w", rf.path, err)
		}
	}
	return nil
}

// finish makes the rows durable and closes the file.
func (rf *rowFile) finish() error {
	err := rf.f.Sync()
	if cerr := rf.f.Close(); err == nil {
		err = cerr
	}
	rf.f = nil
	if err != nil {
		return fmt.Errorf("study: writing %s: %w", rf.path, err)
	}
	return nil
}

// close closes the file if finish has not.
func (rf *rowFile) close() {
	if rf.f != nil {
		rf.f.Close()
	}
}
