package study

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Row files start with a line describing the study, so that a merge can
// check that its inputs belong together and are complete:
//
//	JSON Lines: {"nimbus_study":{...meta...}} then one {"point":..} per row
//	CSV:        # nimbus_study {...meta...} then a header and one line per row
//
// Floats are written in the shortest form that parses back to the same
// bits ('g', -1), with NaN and infinities as "NaN", "+Inf" and "-Inf", so
// reading a file gives exactly the rows that were written.
const metaKey = "nimbus_study"

// Format is a file format for rows or summaries.
type Format string

// Formats.
const (
	JSONL Format = "jsonl" // rows
	CSV   Format = "csv"   // rows or summaries
	JSON  Format = "json"  // summaries
)

func fmtFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// jsonFloat writes x as a JSON number, or a string for NaN and infinities.
func jsonFloat(x float64) string {
	if finite(x) {
		return fmtFloat(x)
	}
	return `"` + fmtFloat(x) + `"`
}

// MarshalJSON writes the metrics sorted by name.
func (m Result) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.WriteString(jsonFloat(m[k]))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads numbers and the strings "NaN", "+Inf", "-Inf".
func (m *Result) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := make(Result, len(raw))
	for k, v := range raw {
		var s string
		if len(v) > 0 && v[0] == '"' {
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
		} else {
			s = string(v)
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("study: metric %q: %q is not a number", k, s)
		}
		out[k] = x
	}
	*m = out
	return nil
}

type jsonRow struct {
	Point   int    `json:"point"`
	Rep     int    `json:"rep"`
	Seed    uint64 `json:"seed"`
	Metrics Result `json:"metrics"`
	Note    string `json:"note,omitempty"`
	Err     string `json:"error,omitempty"`
}

func metaJSON(m *Meta) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // params are validated finite
	}
	return b
}

// headerLine is the first line of a JSON Lines row file.
func headerLine(m *Meta) []byte {
	return fmt.Appendf(nil, "{%q:%s}\n", metaKey, metaJSON(m))
}

// rowLine is one row of a JSON Lines row file.
func rowLine(row *Row) ([]byte, error) {
	b, err := json.Marshal(jsonRow(*row))
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteRows writes the rows as JSONL or CSV, preceded by the study's
// description.
func (r *Results) WriteRows(w io.Writer, f Format) error {
	bw := bufio.NewWriter(w)
	switch f {
	case JSONL:
		bw.Write(headerLine(&r.Meta))
		for i := range r.Rows {
			b, err := rowLine(&r.Rows[i])
			if err != nil {
				return err
			}
			bw.Write(b)
		}
	case CSV:
		fmt.Fprintf(bw, "# %s %s\n", metaKey, metaJSON(&r.Meta))
		params := r.paramNames()
		metrics := r.Metrics()
		cw := csv.NewWriter(bw)
		header := append([]string{"point", "rep", "seed"}, params...)
		header = append(append(header, metrics...), "note", "error")
		cw.Write(header)
		for _, row := range r.Rows {
			rec := []string{strconv.Itoa(row.Point), strconv.Itoa(row.Rep), strconv.FormatUint(row.Seed, 10)}
			for _, p := range params {
				v, ok := r.point(row.Point).Get(p)
				rec = append(rec, cell(v, ok))
			}
			for _, m := range metrics {
				v, ok := row.Metrics[m]
				rec = append(rec, cell(v, ok))
			}
			cw.Write(append(rec, row.Note, row.Err))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("study: WriteRows: unknown format %q (want jsonl or csv)", f)
	}
	return bw.Flush()
}

func cell(v float64, ok bool) string {
	if !ok {
		return ""
	}
	return fmtFloat(v)
}

func (r *Results) point(pi int) Point {
	if pi < len(r.Meta.Points) {
		return r.Meta.Points[pi]
	}
	return nil
}

// paramNames lists parameter names in order of first appearance.
func (r *Results) paramNames() []string {
	var names []string
	for _, p := range r.Meta.Points {
		for _, kv := range p {
			if !slices.Contains(names, kv.Name) {
				names = append(names, kv.Name)
			}
		}
	}
	return names
}

// ReadRows reads a row file written by WriteRows, in either format.
func ReadRows(rd io.Reader) (*Results, error) {
	br := bufio.NewReader(rd)
	first, err := br.ReadString('\n')
	if err != nil && (err != io.EOF || first == "") {
		return nil, fmt.Errorf("study: ReadRows: missing the %s header line: %v", metaKey, err)
	}
	first = strings.TrimRight(first, "\r\n")
	res := &Results{}
	switch {
	case strings.HasPrefix(first, "# "+metaKey+" "):
		if err := unmarshalMeta([]byte(strings.TrimPrefix(first, "# "+metaKey+" ")), &res.Meta); err != nil {
			return nil, err
		}
		err = res.readCSV(br)
	case strings.HasPrefix(first, "{"):
		var head map[string]json.RawMessage
		if err := json.Unmarshal([]byte(first), &head); err != nil || head[metaKey] == nil {
			return nil, fmt.Errorf("study: ReadRows: first line is not a {%q: ...} header", metaKey)
		}
		if err := unmarshalMeta(head[metaKey], &res.Meta); err != nil {
			return nil, err
		}
		err = res.readJSONL(br)
	default:
		return nil, fmt.Errorf("study: ReadRows: first line %.40q is not a %s header", first, metaKey)
	}
	if err != nil {
		return nil, err
	}
	if err := res.validateRows(); err != nil {
		return nil, err
	}
	return res, nil
}

func unmarshalMeta(b []byte, m *Meta) error {
	if err := json.Unmarshal(b, m); err != nil {
		return fmt.Errorf("study: ReadRows: bad %s header: %v", metaKey, err)
	}
	cfg := Config{Reps: m.Reps, Points: m.Points, Shard: m.Shard}
	if err := cfg.validate(); err != nil {
		return fmt.Errorf("study: ReadRows: bad %s header: %w", metaKey, err)
	}
	if m.Shard.Count == 0 {
		return fmt.Errorf("study: ReadRows: bad %s header: no shard", metaKey)
	}
	return nil
}

func (r *Results) readJSONL(br *bufio.Reader) error {
	dec := json.NewDecoder(br)
	dec.DisallowUnknownFields()
	for line := 2; ; line++ {
		var jr jsonRow
		if err := dec.Decode(&jr); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("study: ReadRows: row %d: %v", line, err)
		}
		if jr.Metrics == nil {
			jr.Metrics = Result{}
		}
		r.Rows = append(r.Rows, Row(jr))
	}
}

func (r *Results) readCSV(br *bufio.Reader) error {
	cr := csv.NewReader(br)
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("study: ReadRows: CSV header: %v", err)
	}
	params := r.paramNames()
	np := 3 + len(params)
	if len(header) < np+2 || !slices.Equal(header[:3], []string{"point", "rep", "seed"}) ||
		!slices.Equal(header[3:np], params) || !slices.Equal(header[len(header)-2:], []string{"note", "error"}) {
		return fmt.Errorf("study: ReadRows: CSV header %q does not match the study's parameters %q", header, params)
	}
	metrics := header[np : len(header)-2]
	for line := 3; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("study: ReadRows: %v", err)
		}
		var row Row
		var e1, e2, e3 error
		row.Point, e1 = strconv.Atoi(rec[0])
		row.Rep, e2 = strconv.Atoi(rec[1])
		row.Seed, e3 = strconv.ParseUint(rec[2], 10, 64)
		if err := errors.Join(e1, e2, e3); err != nil {
			return fmt.Errorf("study: ReadRows: line %d: %v", line, err)
		}
		row.Metrics = Result{}
		for i, m := range metrics {
			c := rec[np+i]
			if c == "" {
				continue
			}
			v, err := strconv.ParseFloat(c, 64)
			if err != nil {
				return fmt.Errorf("study: ReadRows: line %d: metric %q: %q is not a number", line, m, c)
			}
			row.Metrics[m] = v
		}
		row.Note, row.Err = rec[len(rec)-2], rec[len(rec)-1]
		r.Rows = append(r.Rows, row)
	}
}

// validateRows checks that the rows are exactly those of the file's shard,
// in order, with the right seeds.
func (r *Results) validateRows() error {
	s := r.Meta.Shard.norm()
	if r.Meta.Reps > maxJobs/max(1, len(r.Meta.Points)) {
		return fmt.Errorf("study: %d points × %d replications is too many", len(r.Meta.Points), r.Meta.Reps)
	}
	total := max(1, len(r.Meta.Points)) * r.Meta.Reps
	want := 0
	if total > s.Index {
		want = (total - s.Index + s.Count - 1) / s.Count
	}
	if len(r.Rows) < want {
		return fmt.Errorf("study: shard %v has %d rows, want %d: it is unfinished (run it again with its RowFile to resume it)", s, len(r.Rows), want)
	}
	if len(r.Rows) != want {
		return fmt.Errorf("study: shard %v has %d rows, want %d", s, len(r.Rows), want)
	}
	for i, row := range r.Rows {
		j := s.Index + i*s.Count
		if row.Point != j/r.Meta.Reps || row.Rep != j%r.Meta.Reps {
			return fmt.Errorf("study: shard %v: row %d is point %d rep %d, want point %d rep %d", s, i, row.Point, row.Rep, j/r.Meta.Reps, j%r.Meta.Reps)
		}
		if row.Seed != SeedOf(r.Meta.Seed, row.Rep) {
			return fmt.Errorf("study: shard %v: row %d (point %d rep %d) has seed %d, not the study's %d", s, i, row.Point, row.Rep, row.Seed, SeedOf(r.Meta.Seed, row.Rep))
		}
	}
	return nil
}

// Merge combines the shards of one study into the whole study's results,
// identical to what a single process running every replication produces.
// It fails unless the parts come from the same study and cover every
// shard exactly once.
func Merge(parts ...*Results) (*Results, error) {
	if len(parts) == 0 {
		return nil, errors.New("study: Merge: no shards")
	}
	m0 := parts[0].Meta
	n := m0.Shard.norm().Count
	seen := make([]bool, n)
	for _, p := range parts {
		m := p.Meta
		if field, a, b := metaDiff(&m, &m0); field != "" && field != "shard" {
			return nil, fmt.Errorf("study: Merge: shard %v is from another study than shard %v: its %s is %s, not %s",
				m.Shard, m0.Shard, field, a, b)
		}
		if err := m.Shard.validate(); err != nil {
			return nil, fmt.Errorf("study: Merge: %w", err)
		}
		s := m.Shard.norm()
		if s.Count != n {
			return nil, fmt.Errorf("study: Merge: shard %v does not match shard count %d", s, n)
		}
		if seen[s.Index] {
			return nil, fmt.Errorf("study: Merge: shard %v given twice", s)
		}
		seen[s.Index] = true
	}
	for k, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("study: Merge: shard %d/%d is missing", k, n)
		}
	}
	out := &Results{Meta: m0}
	out.Meta.Shard = Shard{0, 1}
	total := max(1, len(m0.Points)) * m0.Reps
	out.Rows = make([]Row, total)
	for _, p := range parts {
		s := p.Meta.Shard.norm()
		for i, row := range p.Rows {
			out.Rows[s.Index+i*s.Count] = row
		}
	}
	if err := out.validateRows(); err != nil {
		return nil, err
	}
	return out, out.check()
}

// WriteSummaries writes Summaries(level) as CSV or JSON.
func (r *Results) WriteSummaries(w io.Writer, f Format, level float64) error {
	if _, err := checkLevel(level); err != nil {
		return err
	}
	ss := r.Summaries(level)
	params := r.paramNames()
	bw := bufio.NewWriter(w)
	stats := func(s Summary) []string {
		return []string{fmtFloat(s.Mean), fmtFloat(s.StdDev), fmtFloat(s.CILow), fmtFloat(s.CIHigh),
			fmtFloat(s.P50), fmtFloat(s.P90), fmtFloat(s.P99), fmtFloat(s.Min), fmtFloat(s.Max)}
	}
	statNames := []string{"mean", "std", "ci_low", "ci_high", "p50", "p90", "p99", "min", "max"}
	switch f {
	case CSV:
		cw := csv.NewWriter(bw)
		header := append([]string{"point"}, params...)
		header = append(header, "metric", "n", "errors", "level")
		cw.Write(append(header, statNames...))
		for _, s := range ss {
			rec := []string{strconv.Itoa(s.Point)}
			for _, p := range params {
				v, ok := s.Params.Get(p)
				rec = append(rec, cell(v, ok))
			}
			rec = append(rec, s.Metric, strconv.Itoa(s.N), strconv.Itoa(s.Errors), fmtFloat(s.Level))
			cw.Write(append(rec, stats(s)...))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	case JSON:
		bw.WriteString("[\n")
		for i, s := range ss {
			pb, _ := json.Marshal(s.Params)
			mb, _ := json.Marshal(s.Metric)
			fmt.Fprintf(bw, `{"point":%d,"params":%s,"metric":%s,"n":%d,"errors":%d,"level":%s`, s.Point, pb, mb, s.N, s.Errors, jsonFloat(s.Level))
			vals := []float64{s.Mean, s.StdDev, s.CILow, s.CIHigh, s.P50, s.P90, s.P99, s.Min, s.Max}
			for k, name := range statNames {
				fmt.Fprintf(bw, `,%q:%s`, name, jsonFloat(vals[k]))
			}
			bw.WriteString("}")
			if i < len(ss)-1 {
				bw.WriteString(",")
			}
			bw.WriteString("\n")
		}
		bw.WriteString("]\n")
	default:
		return fmt.Errorf("study: WriteSummaries: unknown format %q (want csv or json)", f)
	}
	return bw.Flush()
}
