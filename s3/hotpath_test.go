package s3

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestObjectARNChunks checks that object ARNs written into the service's
// chunks are exact and never change afterwards, across chunk boundaries
// and for an ARN longer than a chunk.
func TestObjectARNChunks(t *testing.T) {
	s := &Service{}
	var got, want []string
	long := strings.Repeat("k", arnChunk+10)
	for i := range 500 {
		key := strings.Repeat("x", i%97) + "/" + string(rune('a'+i%26))
		if i == 250 {
			key = long
		}
		partition := "aws"
		if i%7 == 0 {
			partition = "aws-cn"
		}
		if i%2 == 0 {
			got = append(got, s.objectARNOf(partition, "bucket-"+string(rune('a'+i%26)), key))
		} else {
			got = append(got, s.objectARN(objectARNPrefix(partition, "bucket-"+string(rune('a'+i%26))), key))
		}
		want = append(want, "arn:"+partition+":s3:::bucket-"+string(rune('a'+i%26))+"/"+key)
	}
	require.Equal(t, want, got)
}

// requireHeadsInStep fails unless b's exact-key index holds exactly the
// B-tree's keys, each with its item's newest version.
func requireHeadsInStep(t *testing.T, b *bucket) (arns int) {
	t.Helper()
	n := 0
	b.keys.Ascend(func(it item) bool {
		n++
		v, ok := b.heads.get(it.key)
		require.True(t, ok, "key %q", it.key)
		require.Same(t, it.v, v, "key %q", it.key)
		require.Equal(t, it.key, v.key())
		// Every version of the key whose key bytes end its ARN (keyARN)
		// has the bucket's ARN prefix right before them.
		for w := v; w != nil; w = w.prev {
			if w.flags&flagARN != 0 {
				arns++
				require.Equal(t, b.arnPrefix+it.key, w.arn(len(b.arnPrefix)), "key %q", it.key)
			}
			if w.flags&flagETag != 0 {
				require.NotZero(t, w.flags&flagARN)
				require.True(t, w.syntheticETag())
				require.Equal(t, w.renderETag(make([]byte, etagLen)), w.keptETag(), "key %q", it.key)
			}
		}
		return true
	})
	require.Equal(t, n, b.heads.len())
	return arns
}

// TestHeadIndexInStep drives random puts, copies, deletes (plain, by
// version, in batches) and reads through the API, under each versioning
// state in turn, and checks after every call that the exact-key index
// agrees with the B-tree and that reads see what a listing sees.
func TestHeadIndexInStep(t *testing.T) {
	f := newFixture(t, 1, Options{Throttle: Throttle{Disabled: true}})
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{"a", "b", "c", "d/e", "d/f", "g"}
	f.do(func(p *sim.Proc) {
		f.bucket(p, "idx")
		b := f.svc.buckets["aws/idx"]
		var ids []string // version IDs seen, some stale
		arns := 0        // most versions seen at once whose key ends their ARN
		for phase, status := range []BucketVersioningStatus{"", BucketVersioningStatusEnabled, BucketVersioningStatusSuspended, BucketVersioningStatusEnabled} {
			if status != "" {
				_, err := f.admin.PutBucketVersioning(p, &PutBucketVersioningInput{Bucket: "idx", VersioningConfiguration: &VersioningConfiguration{Status: status}})
				require.NoError(t, err)
			}
			for i := range 300 {
				key := keys[r.IntN(len(keys))]
				switch op := r.IntN(6); op {
				case 0, 1:
					out, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "idx", Key: key, ContentLength: Int64(int64(r.IntN(3000)))})
					require.NoError(t, err)
					ids = append(ids, out.VersionId)
				case 2:
					_, err := f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "idx", Key: key})
					require.NoError(t, err)
				case 3:
					if len(ids) > 0 {
						// A stale or unknown ID is not an error for DeleteObject.
						_, err := f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "idx", Key: key, VersionId: ids[r.IntN(len(ids))]})
						if err != nil {
							require.Equal(t, "InvalidArgument", codeOf(err), "phase %d call %d: %v", phase, i, err)
						}
					}
				case 4:
					_, err := f.admin.CopyObject(p, &CopyObjectInput{Bucket: "idx", Key: key, CopySource: "idx/" + keys[r.IntN(len(keys))]})
					if err != nil {
						require.Contains(t, []string{"NoSuchKey", "InvalidRequest"}, codeOf(err), "phase %d call %d: %v", phase, i, err)
					}
				case 5:
					_, err := f.admin.DeleteObjects(p, &DeleteObjectsInput{Bucket: "idx", Delete: &Delete{Objects: []ObjectIdentifier{{Key: key}, {Key: keys[r.IntN(len(keys))]}}}})
					require.NoError(t, err)
				}
				arns = max(arns, requireHeadsInStep(t, b))
			}
			// Every listed key reads back; every other key is NoSuchKey.
			listed := map[string]int64{}
			out, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "idx"})
			require.NoError(t, err)
			for _, o := range out.Contents {
				listed[o.Key] = o.Size
			}
			for _, key := range keys {
				h, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "idx", Key: key})
				if size, ok := listed[key]; ok {
					require.NoError(t, err)
					require.Equal(t, size, *h.ContentLength, "key %q", key)
				} else {
					require.Equal(t, "NotFound", codeOf(err), "key %q: %v", key, err)
				}
			}
		}
		require.Positive(t, arns, "no request made a key's bytes the end of its ARN")
	})
}

// TestHeadIndexMatchesMap runs random sets and deletes on the index and
// on a Go map side by side, with keys of every length up to 20 bytes and
// enough churn to wrap probe runs around the table's end and shift them
// back on delete, and compares every lookup.
func TestHeadIndexMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	keys := make([]string, 600)
	for i := range keys {
		b := make([]byte, 1+i%20)
		for j := range b {
			b[j] = byte('a' + r.IntN(3)) // few letters: many shared prefixes
		}
		keys[i] = string(b) + string(rune('A'+i%26)) + strings.Repeat("z", i/26)
	}
	var x headIndex
	want := map[string]*version{}
	for step := range 20_000 {
		key := keys[r.IntN(len(keys))]
		// Phases of growth and of shrinkage, so the table fills up and
		// empties out.
		if r.IntN(100) < 35+30*((step/2000)%2) {
			x.delete(key)
			delete(want, key)
		} else {
			v := &version{seq: uint64(step)}
			v.setKey(key)
			x.set(v)
			want[key] = v
		}
		require.Equal(t, len(want), x.len())
		if step%97 == 0 {
			for _, k := range keys {
				got, ok := x.get(k)
				w, wok := want[k]
				require.Equal(t, wok, ok, "step %d key %q", step, k)
				require.Same(t, w, got, "step %d key %q", step, k)
			}
		}
	}
	got, ok := x.get("absent")
	require.False(t, ok)
	require.Nil(t, got)
}

// TestASCIIKeyCheck checks the fast ASCII test against its definition on
// keys of every length up to 40 with one non-ASCII byte anywhere, and
// that ValidateKey still refuses invalid UTF-8 and accepts valid
// multi-byte keys.
func TestASCIIKeyCheck(t *testing.T) {
	for n := range 41 {
		b := []byte(strings.Repeat("k", n))
		require.True(t, ascii(string(b)))
		for i := range n {
			c := append([]byte(nil), b...)
			c[i] = 0x80 | byte(i)
			require.False(t, ascii(string(c)), "len %d, byte %d", n, i)
		}
	}
	require.NoError(t, ValidateKey("photos/été/日本.jpg"))
	require.Error(t, ValidateKey("bad\xffkey"))
	require.Error(t, ValidateKey("12345678bad\xc3"))
}

// TestPolicyDecisionsFollowEachCall checks that nothing on the hot path
// (the pipeline's cached resource ARN, the service's last bucket) carries
// an authorization decision from one call to the next: the partner reads
// keys of one bucket back to back while the owner puts, changes and
// deletes the bucket policy, and every call gets the decision of the
// policy and key it names.
func TestPolicyDecisionsFollowEachCall(t *testing.T) {
	f := newFixture(t, 1, Options{Throttle: Throttle{Disabled: true}})
	const allowA = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},
		"Action":"s3:GetObject","Resource":"arn:aws:s3:::hot/a*"}]}`
	const allowAllDenyA1 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},
		"Action":"s3:GetObject","Resource":"arn:aws:s3:::hot/*"},
		{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::hot/a1"}]}`
	f.do(func(p *sim.Proc) {
		f.bucket(p, "hot")
		for _, k := range []string{"a1", "a2", "b1"} {
			_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "hot", Key: k, ContentLength: Int64(8)})
			require.NoError(t, err)
		}
		get := func(key string) error {
			_, err := f.partner.GetObject(p, &GetObjectInput{Bucket: "hot", Key: key})
			return err
		}
		wantErr(t, get("a1"), "AccessDenied", 403) // no policy: another account's caller
		_, err := f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "hot", Policy: allowA})
		require.NoError(t, err)
		require.NoError(t, get("a1"))
		wantErr(t, get("b1"), "AccessDenied", 403) // same ARN header, resource outside the grant
		require.NoError(t, get("a2"))
		require.NoError(t, get("a2"))
		_, err = f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "hot", Policy: allowAllDenyA1})
		require.NoError(t, err)
		wantErr(t, get("a1"), "AccessDenied", 403)
		require.NoError(t, get("b1"))
		wantErr(t, get("a1"), "AccessDenied", 403)
		_, err = f.admin.DeleteBucketPolicy(p, &DeleteBucketPolicyInput{Bucket: "hot"})
		require.NoError(t, err)
		wantErr(t, get("b1"), "AccessDenied", 403)
		// The owner's own reads are allowed by its identity policy all along.
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "hot", Key: "a1"})
		require.NoError(t, err)
	})
}

// TestClientBaseInStep checks that a client's request template follows
// the client through From and WithRetry: every call copies it.
func TestClientBaseInStep(t *testing.T) {
	f := newFixture(t, 1, Options{Throttle: Throttle{Disabled: true}})
	c := f.admin
	want := func(c *Client) region.Request {
		return region.Request{Service: "s3", ServiceID: "S3", Region: c.region, Credentials: c.creds, From: c.from,
			Resource: "*", Client: c.retry, AllowAnonymous: true, BillErrors: region.BillClientErrors}
	}
	check := func(c *Client) {
		got := c.base
		require.NotNil(t, got.BillRequest)
		got.BillRequest = nil
		require.Equal(t, want(c), got)
	}
	check(c)
	loc, err := f.w.InAZ(f.w.Regions()[0].AZs()[0].ID())
	require.NoError(t, err)
	from := c.From(loc)
	require.Equal(t, loc, from.base.From)
	check(from)
	retried := from.WithRetry(region.ClientConfig{MaxAttempts: 7})
	require.Same(t, retried.retry, retried.base.Client)
	check(retried)
	check(c) // the original is untouched
}

// TestDefaultTierCommonOps pins the request tiers of the operations
// defaultTier answers before its general rules.
func TestDefaultTierCommonOps(t *testing.T) {
	for op, tier := range map[string]int{"GetObject": 2, "HeadObject": 2, "PutObject": 1, "UploadPart": 1,
		"CopyObject": 1, "CreateMultipartUpload": 1, "DeleteObject": 0, "ListObjectsV2": 1, "GetBucketPolicy": 2, "": 2} {
		require.Equal(t, tier, defaultTier(op), op)
	}
}

// TestHeadHintStale checks that an effect takes the look-up its call
// made when it began only while the bucket's index is unchanged: a key
// deleted or put again in between is looked up anew.
func TestHeadHintStale(t *testing.T) {
	f := newFixture(t, 1, Options{Throttle: Throttle{Disabled: true}})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "hint")
		b := f.svc.buckets["aws/hint"]
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "hint", Key: "k", ContentLength: Int64(1)})
		require.NoError(t, err)
		arn, h := f.svc.keyARN(b, "k", true)
		require.Equal(t, "arn:aws:s3:::hint/k", arn)
		sv := &served{b: b, hint: h}
		v, _, ok := sv.findHead("k")
		require.True(t, ok)
		require.Same(t, b.heads.slots[h.slot], v)
		require.NotZero(t, v.flags&flagETag)
		require.Equal(t, v.renderETag(make([]byte, etagLen)), v.etag())
		// The look-up wrote the ARN; the next one finds it in the head.
		arn, h2 := f.svc.keyARN(b, "k", false)
		require.Equal(t, "arn:aws:s3:::hint/k", arn)
		require.Equal(t, "k", b.heads.slots[h2.slot].key())

		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "hint", Key: "k"})
		require.NoError(t, err)
		_, _, ok = sv.findHead("k")
		require.False(t, ok, "deleted since the look-up")

		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "hint", Key: "k", ContentLength: Int64(2)})
		require.NoError(t, err)
		v, _, ok = sv.findHead("k")
		require.True(t, ok)
		require.Equal(t, int64(2), v.size, "put again since the look-up")
		arn, _ = f.svc.keyARN(b, "k", false)
		require.Equal(t, "arn:aws:s3:::hint/k", arn)
	})
}

// TestHeadIndexKeyCompare checks findSlot's key comparison (two words in
// line for keys of 8 to 16 bytes, == for the others) on keys of every
// length up to 24 that differ from the one looked up in a single byte
// anywhere: the version is put in the probe's home slot under the
// probe's tag, so the look-up must tell them apart by the key.
func TestHeadIndexKeyCompare(t *testing.T) {
	for n := 1; n <= 24; n++ {
		probe := strings.Repeat("k", n)
		h := keyHash(probe)
		for j := -1; j < n; j++ {
			b := []byte(probe) // other memory than probe's
			if j >= 0 {
				b[j] = 'j'
			}
			k := string(b)
			v := &version{}
			v.setKey(k)
			x := headIndex{slots: make([]*version, 8), tags: make([]uint8, 8), n: 1}
			x.slots[h&7], x.tags[h&7] = v, tagOf(h)
			_, _, ok := x.findSlot(probe)
			require.Equal(t, k == probe, ok, "length %d, byte %d differs", n, j)
		}
		// A key of another length under the same tag.
		v := &version{}
		v.setKey(probe + "k")
		x := headIndex{slots: make([]*version, 8), tags: make([]uint8, 8), n: 1}
		x.slots[h&7], x.tags[h&7] = v, tagOf(h)
		_, _, ok := x.findSlot(probe)
		require.False(t, ok, "length %d", n)
	}
}

// TestVersionOverwrite checks that overwrite copies every field of a
// version, as *v = *nv does: each field of nv is set in turn to a value
// no other test of it uses, and the overwritten version must equal nv.
func TestVersionOverwrite(t *testing.T) {
	key := []byte("some/key")
	other := []byte("other")
	for i := range reflect.TypeFor[version]().NumField() {
		nv := version{}
		f := reflect.ValueOf(&nv).Elem().Field(i)
		f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem() // settable although unexported
		switch f.Kind() {
		case reflect.Int64, reflect.Int32:
			f.SetInt(int64(7 + i))
		case reflect.Uint64, reflect.Uint32, reflect.Uint16, reflect.Uint8:
			f.SetUint(uint64(7 + i))
		case reflect.Pointer:
			switch f.Type() {
			case reflect.TypeFor[*version]():
				f.Set(reflect.ValueOf(&version{seq: 1}))
			case reflect.TypeFor[*extra]():
				f.Set(reflect.ValueOf(&extra{sse: "aws:kms"}))
			case reflect.TypeFor[*byte]():
				f.Set(reflect.ValueOf(&key[0]))
			default:
				t.Fatalf("field %s: a pointer type the test does not know", reflect.TypeFor[version]().Field(i).Name)
			}
		default:
			t.Fatalf("field %s: a kind the test does not know (%s)", reflect.TypeFor[version]().Field(i).Name, f.Kind())
		}
		v := version{size: -1, modified: -1, seq: 99, prev: &version{}, x: &extra{}, keyData: &other[0], group: 99, epoch: 99,
			class: 99, flags: 99, keyLen: 99, accessDay: 99}
		v.overwrite(&nv)
		require.Equal(t, nv, v, "field %s", reflect.TypeFor[version]().Field(i).Name)
	}
}
