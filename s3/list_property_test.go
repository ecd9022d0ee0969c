package s3

import (
	"io"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// naiveList is the obvious lister the B-tree listing must agree with:
// roll every key with the prefix up at the first delimiter after the
// prefix, sort, deduplicate, keep the entries after startAfter.
func naiveList(keys []string, prefix, delim, startAfter string) []entry {
	seen := map[string]bool{}
	var out []entry
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		e := entry{name: k}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				e = entry{name: k[:len(prefix)+i+len(delim)], cp: true}
			}
		}
		if e.name <= startAfter || seen[e.name] {
			continue
		}
		seen[e.name] = true
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func genKey(t *rapid.T, label string) string {
	parts := rapid.SliceOfN(rapid.SampledFrom([]string{"a", "b", "/", "-", "ab", "é", "z"}), 1, 5).Draw(t, label)
	return strings.Join(parts, "")
}

// TestListObjectsV2MatchesNaiveLister is the property: a random
// keyspace (some keys deleted under versioning, leaving delete markers),
// listed with random Prefix, Delimiter, MaxKeys and StartAfter and
// paginated to the end through the API, equals the naive lister; every
// page respects MaxKeys and KeyCount; only the last page is untruncated.
func TestListObjectsV2MatchesNaiveLister(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixture(t, 7, Options{Throttle: Throttle{Disabled: true}})
		keys := rapid.SliceOfNDistinct(rapid.Custom(func(t *rapid.T) string { return genKey(t, "key") }), 0, 25, rapid.ID[string]).Draw(rt, "keys")
		deleted := map[string]bool{}
		for _, k := range keys {
			if rapid.IntRange(0, 4).Draw(rt, "del") == 0 {
				deleted[k] = true
			}
		}
		prefix := rapid.SampledFrom([]string{"", "a", "a/", "b", "ab", "z/"}).Draw(rt, "prefix")
		delim := rapid.SampledFrom([]string{"", "/", "-", "ab"}).Draw(rt, "delim")
		startAfter := ""
		if rapid.Bool().Draw(rt, "hasStartAfter") {
			startAfter = genKey(rt, "startAfter")
		}
		maxKeys := int32(rapid.IntRange(0, 7).Draw(rt, "maxKeys"))
		var live []string
		for _, k := range keys {
			if !deleted[k] {
				live = append(live, k)
			}
		}
		want := naiveList(live, prefix, delim, startAfter)
		if maxKeys == 0 {
			want = nil
		}
		var got []entry
		f.do(func(p *sim.Proc) {
			f.bucket(p, "prop")
			_, err := f.admin.PutBucketVersioning(p, &PutBucketVersioningInput{Bucket: "prop",
				VersioningConfiguration: &VersioningConfiguration{Status: BucketVersioningStatusEnabled}})
			require.NoError(rt, err)
			for _, k := range keys {
				_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "prop", Key: k, ContentLength: Int64(int64(len(k)))})
				require.NoError(rt, err)
				if deleted[k] {
					_, err := f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "prop", Key: k})
					require.NoError(rt, err)
				}
			}
			pg := NewListObjectsV2Paginator(f.admin, &ListObjectsV2Input{Bucket: "prop", Prefix: prefix, Delimiter: delim,
				StartAfter: startAfter, MaxKeys: Int32(maxKeys)})
			for pages := 0; pg.HasMorePages(); pages++ {
				require.Less(rt, pages, 100, "pagination does not end")
				out, err := pg.NextPage(p)
				require.NoError(rt, err)
				n := len(out.Contents) + len(out.CommonPrefixes)
				require.Equal(rt, int32(n), out.KeyCount)
				require.LessOrEqual(rt, n, int(maxKeys))
				if out.IsTruncated {
					require.Equal(rt, int(maxKeys), n, "a truncated page is full")
				}
				// Merge the page's keys and prefixes back into byte order.
				var page []entry
				for _, o := range out.Contents {
					page = append(page, entry{name: o.Key})
					require.Equal(rt, int64(len(o.Key)), o.Size)
				}
				for _, cp := range out.CommonPrefixes {
					page = append(page, entry{name: cp.Prefix, cp: true})
				}
				sort.Slice(page, func(i, j int) bool { return page[i].name < page[j].name })
				got = append(got, page...)
			}
		})
		if len(want) == 0 && len(got) == 0 {
			return
		}
		require.Equal(rt, want, got)
	})
}

// TestListObjectsV1MatchesV2 pages with Marker/NextMarker (or the last
// key) and must see what v2 sees.
func TestListObjectsV1MatchesNaive(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixture(t, 8, Options{Throttle: Throttle{Disabled: true}})
		keys := rapid.SliceOfNDistinct(rapid.Custom(func(t *rapid.T) string { return genKey(t, "key") }), 0, 20, rapid.ID[string]).Draw(rt, "keys")
		delim := rapid.SampledFrom([]string{"", "/", "-"}).Draw(rt, "delim")
		maxKeys := int32(rapid.IntRange(1, 5).Draw(rt, "maxKeys"))
		want := naiveList(keys, "", delim, "")
		var got []entry
		f.do(func(p *sim.Proc) {
			f.bucket(p, "prop1")
			for _, k := range keys {
				_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "prop1", Key: k, ContentLength: Int64(1)})
				require.NoError(rt, err)
			}
			marker := ""
			for pages := 0; ; pages++ {
				require.Less(rt, pages, 100)
				out, err := f.admin.ListObjects(p, &ListObjectsInput{Bucket: "prop1", Delimiter: delim, Marker: marker, MaxKeys: Int32(maxKeys)})
				require.NoError(rt, err)
				var page []entry
				for _, o := range out.Contents {
					page = append(page, entry{name: o.Key})
				}
				for _, cp := range out.CommonPrefixes {
					page = append(page, entry{name: cp.Prefix, cp: true})
				}
				sort.Slice(page, func(i, j int) bool { return page[i].name < page[j].name })
				got = append(got, page...)
				if !out.IsTruncated {
					break
				}
				if delim != "" {
					require.NotEmpty(rt, out.NextMarker)
					marker = out.NextMarker
				} else {
					require.Empty(rt, out.NextMarker, "NextMarker comes only with a delimiter")
					marker = page[len(page)-1].name
				}
			}
		})
		if len(want) == 0 && len(got) == 0 {
			return
		}
		require.Equal(rt, want, got)
	})
}

// TestRangeReadsMatchSlicing: any satisfiable range of a real-bytes object
// returns exactly the slice RFC 9110 selects; unsatisfiable ones are 416.
func TestRangeReadsMatchSlicing(t *testing.T) {
	f := newFixture(t, 9, Options{Throttle: Throttle{Disabled: true}})
	body := make([]byte, 300)
	for i := range body {
		body[i] = byte(i * 7)
	}
	f.do(func(p *sim.Proc) {
		f.bucket(p, "ranges")
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "ranges", Key: "obj", Body: strings.NewReader(string(body))})
		require.NoError(t, err)
		rapid.Check(t, func(rt *rapid.T) {
			size := int64(len(body))
			var hdr string
			var want []byte
			wantErr := false
			switch rapid.IntRange(0, 2).Draw(rt, "form") {
			case 0:
				a := rapid.Int64Range(0, size+20).Draw(rt, "first")
				b := rapid.Int64Range(a, size+40).Draw(rt, "last")
				hdr = "bytes=" + itoa(a) + "-" + itoa(b)
				if a >= size {
					wantErr = true
				} else {
					want = body[a:min(b+1, size)]
				}
			case 1:
				a := rapid.Int64Range(0, size+20).Draw(rt, "first")
				hdr = "bytes=" + itoa(a) + "-"
				if a >= size {
					wantErr = true
				} else {
					want = body[a:]
				}
			default:
				n := rapid.Int64Range(0, size+20).Draw(rt, "suffix")
				hdr = "bytes=-" + itoa(n)
				if n == 0 {
					wantErr = true
				} else {
					want = body[size-min(n, size):]
				}
			}
			out, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "ranges", Key: "obj", Range: hdr})
			if wantErr {
				require.Equal(rt, "InvalidRange", codeOf(err), "%s: %v", hdr, err)
				return
			}
			require.NoError(rt, err, hdr)
			got, _ := io.ReadAll(out.Body)
			require.Equal(rt, want, got, hdr)
			require.Equal(rt, int64(len(want)), *out.ContentLength)
			require.Equal(rt, 206, out.StatusCode)
		})
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func fmtInt(n int64) string { return itoa(n) }
