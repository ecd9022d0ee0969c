package iam

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// refDraws replays the stream "iam/ids" as rand.Rand.IntN drew it before
// the Service took the characters from the stream's source directly: a
// Service must still hand out exactly these IDs, keys and tokens.
type refDraws struct{ r *rand.Rand }

func (d refDraws) next(prefix, alphabet string, n int) string {
	b := []byte(prefix)
	for range n {
		b = append(b, alphabet[d.r.IntN(len(alphabet))])
	}
	return string(b)
}

// profileWorld opens acctA with user alice, the role WebApp that EC2 may
// assume and the instance profile WebApp holding it.
func profileWorld(t testing.TB, seed uint64) (*Service, Credentials, InstanceProfile) {
	t.Helper()
	env := sim.New(seed)
	t.Cleanup(env.Close)
	svc := NewService(env)
	root, err := svc.CreateAccount(acctA)
	require.NoError(t, err)
	_, err = svc.CreateUser(root, CreateUserInput{UserName: "alice"})
	require.NoError(t, err)
	_, err = svc.CreateRole(root, CreateRoleInput{RoleName: "WebApp", AssumeRolePolicyDocument: ec2TrustDoc})
	require.NoError(t, err)
	ip, err := svc.CreateInstanceProfile(root, "WebApp", "")
	require.NoError(t, err)
	require.NoError(t, svc.AddRoleToInstanceProfile(root, "WebApp", "WebApp"))
	return svc, root, ip
}

func TestCredentialsDrawnAsBefore(t *testing.T) {
	for _, seed := range []uint64{1, 7, 12345} {
		svc, root, ip := profileWorld(t, seed)
		ref := refDraws{sim.New(seed).Rand("iam/ids")}

		require.Equal(t, ref.next("AKIA", keyAlphabet, 16), root.AccessKeyID)
		require.Equal(t, ref.next("", secretAlphabet, 40), root.SecretAccessKey)
		u, err := svc.GetUser(root, "alice")
		require.NoError(t, err)
		require.Equal(t, ref.next("AIDA", keyAlphabet, 17), u.UserID)
		r, err := svc.GetRole(root, "WebApp")
		require.NoError(t, err)
		roleID := ref.next("AROA", keyAlphabet, 17)
		require.Equal(t, roleID, r.RoleID)
		require.Equal(t, ref.next("AIPA", keyAlphabet, 17), ip.InstanceProfileID)
		k, err := svc.CreateAccessKey(root, "alice")
		require.NoError(t, err)
		require.Equal(t, ref.next("AKIA", keyAlphabet, 16), k.AccessKeyID)
		require.Equal(t, ref.next("", secretAlphabet, 40), k.SecretAccessKey)

		for _, instance := range []string{"i-0123456789abcdef0", "i-1"} {
			c, err := svc.InstanceProfileCredentials(ip.ARN, instance)
			require.NoError(t, err)
			require.Equal(t, ref.next("ASIA", keyAlphabet, 16), c.AccessKeyID)
			require.Equal(t, ref.next("", secretAlphabet, 40), c.SecretAccessKey)
			require.Equal(t, ref.next(tokenPrefix, secretAlphabet, 300), c.SessionToken)

			p, err := svc.Authenticate(c)
			require.NoError(t, err)
			require.Equal(t, "arn:aws:sts::111122223333:assumed-role/WebApp/"+instance, p.ARN.String())
			require.Equal(t, ARN{Partition: "aws", Service: "sts", AccountID: acctA, Resource: "assumed-role/WebApp/" + instance}, p.ARN)
			require.Equal(t, roleID+":"+instance, p.UserID)
			// The texts the session's principal was built with are the
			// ones finish computes.
			q := *p
			q.finish()
			require.Equal(t, q, *p)
		}
	}
}

// TestPrincipalsFinished: the principals of the root user and of a user
// (at a path), built with texts at hand, carry the texts finish computes,
// and a role keeps its ARN's text.
func TestPrincipalsFinished(t *testing.T) {
	svc, root, _ := profileWorld(t, 3)
	_, err := svc.CreateUser(root, CreateUserInput{UserName: "bob", Path: "/team/ml/"})
	require.NoError(t, err)
	k, err := svc.CreateAccessKey(root, "bob")
	require.NoError(t, err)
	for _, c := range []struct {
		creds Credentials
		arn   string
	}{{root, "arn:aws:iam::111122223333:root"}, {k.Credentials(), "arn:aws:iam::111122223333:user/team/ml/bob"}} {
		p, err := svc.Authenticate(c.creds)
		require.NoError(t, err)
		require.Equal(t, c.arn, p.ARNString())
		require.Equal(t, MustParseARN(c.arn), p.ARN)
		q := *p
		q.finish()
		require.Equal(t, q, *p)
	}
	r := svc.accounts[acctA].roles["WebApp"]
	require.Equal(t, r.arn.String(), r.arnString())
	require.Equal(t, "arn:aws:iam::111122223333:role/WebApp", r.text)
}

// TestInstanceProfileCredentialsAllocations: every instance launched with
// a profile fetches credentials; a session is its block and one string
// (and, now and then, the growth of the key tables).
func TestInstanceProfileCredentialsAllocations(t *testing.T) {
	svc, _, ip := profileWorld(t, 1)
	n := testing.AllocsPerRun(200, func() {
		if _, err := svc.InstanceProfileCredentials(ip.ARN, "i-0123456789abcdef0"); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.2f allocations per session", n)
	require.LessOrEqual(t, n, 2.0)
}

// TestKeyIDNeverRepeats: a key ID that was handed out, to a live key or a
// deleted one, is drawn again, as it always was.
func TestKeyIDNeverRepeats(t *testing.T) {
	for _, live := range []bool{true, false} {
		svc, _, ip := profileWorld(t, 5)
		ref := refDraws{sim.New(5).Rand("iam/ids")}
		ref.next("AKIA", keyAlphabet, 16) // root key
		ref.next("", secretAlphabet, 40)
		for range 3 { // user, role and profile IDs
			ref.next("AXXA", keyAlphabet, 17)
		}
		taken := ref.next("ASIA", keyAlphabet, 16)
		if live {
			svc.keys[taken] = &accessKey{id: taken}
		} else {
			svc.ids[taken] = true
		}
		c, err := svc.InstanceProfileCredentials(ip.ARN, "i-1")
		require.NoError(t, err)
		require.Equal(t, ref.next("ASIA", keyAlphabet, 16), c.AccessKeyID, "live %v", live)
		require.Equal(t, ref.next("", secretAlphabet, 40), c.SecretAccessKey)
	}
}

// TestDeletedKeyIDStaysTaken: deleting a key keeps its ID among those
// handed out.
func TestDeletedKeyIDStaysTaken(t *testing.T) {
	svc, root, _ := profileWorld(t, 1)
	k, err := svc.CreateAccessKey(root, "alice")
	require.NoError(t, err)
	require.NotNil(t, svc.keys[k.AccessKeyID])
	require.NoError(t, svc.DeleteAccessKey(root, "alice", k.AccessKeyID))
	require.Nil(t, svc.keys[k.AccessKeyID])
	require.True(t, svc.ids[k.AccessKeyID])
	_, err = svc.Authenticate(k.Credentials())
	require.ErrorIs(t, err, ErrInvalidClientTokenID)
}

// TestCreateAccountAllocations: an account, its root user and the root's
// key are one block, and the key and the root's ARN one string.
func TestCreateAccountAllocations(t *testing.T) {
	env := sim.New(1)
	t.Cleanup(env.Close)
	svc := NewService(env)
	ids := make([]string, 0, 1000)
	for i := range cap(ids) {
		ids = append(ids, fmt.Sprintf("%012d", 100000000000+i))
	}
	next := 0
	n := testing.AllocsPerRun(500, func() {
		if _, err := svc.CreateAccount(ids[next]); err != nil {
			t.Fatal(err)
		}
		next++
	})
	t.Logf("%.2f allocations per account", n)
	require.LessOrEqual(t, n, 2.0)
}

// TestSessionExpiresToTheNanosecond: a session issued after the start of
// the simulation works until one nanosecond before it expires, in virtual
// time, and not at its Expiration.
func TestSessionExpiresToTheNanosecond(t *testing.T) {
	svc, _, ip := profileWorld(t, 1)
	env := svc.Env()
	env.RunFor(time.Hour + 7*time.Nanosecond)
	c, err := svc.InstanceProfileCredentials(ip.ARN, "i-1")
	require.NoError(t, err)
	require.Equal(t, env.NowTime().Add(InstanceProfileSessionDuration), c.Expiration)
	env.RunFor(InstanceProfileSessionDuration - time.Nanosecond)
	_, err = svc.Authenticate(c)
	require.NoError(t, err)
	env.RunFor(time.Nanosecond)
	require.Equal(t, c.Expiration, env.NowTime())
	_, err = svc.Authenticate(c)
	require.ErrorIs(t, err, ErrExpiredToken)
}

// TestPCGUint64: fill's own step of the PCG draws what rand.PCG draws,
// from any state, and leaves the state where rand.PCG leaves it.
func TestPCGUint64(t *testing.T) {
	for _, seed := range [][2]uint64{{0, 0}, {1, 2}, {^uint64(0), ^uint64(0)}, {0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9}} {
		ref := rand.NewPCG(seed[0], seed[1])
		hi, lo := seed[0], seed[1]
		for i := range 1000 {
			var x uint64
			hi, lo, x = pcgUint64(hi, lo)
			if want := ref.Uint64(); x != want {
				t.Fatalf("seed %v, draw %d: got %#x, want %#x", seed, i, x, want)
			}
		}
		got := rand.NewPCG(hi, lo)
		if got.Uint64() != ref.Uint64() {
			t.Fatalf("seed %v: state differs after 1000 draws", seed)
		}
	}
}

// TestPCGFill: fill's loop, eight draws a turn, gives the characters of
// one draw each, in order, for every length, and leaves the state where
// as many draws leave it.
func TestPCGFill(t *testing.T) {
	for n := range 70 {
		hi, lo := uint64(0x9e3779b97f4a7c15), uint64(0xffffffffffffff00)
		want := make([]byte, n)
		for i := range want {
			var x uint64
			hi, lo, x = pcgUint64(hi, lo)
			want[i] = secretAlphabet[x&63]
		}
		got := make([]byte, n)
		gh, gl := pcgFill(got, secretAlphabet, 0x9e3779b97f4a7c15, 0xffffffffffffff00)
		require.Equal(t, string(want), string(got), "n=%d", n)
		require.Equal(t, [2]uint64{hi, lo}, [2]uint64{gh, gl}, "n=%d", n)
	}
}

// TestSessionBlockSizeClass: a session's block, with the allocator's
// 8-byte header, fits the 640-byte size class
// (https://github.com/golang/go/blob/go1.26.0/src/internal/runtime/gc/sizeclasses.go).
func TestSessionBlockSizeClass(t *testing.T) {
	require.LessOrEqual(t, unsafe.Sizeof(sessionBlock{}), uintptr(640-8))
}

// TestAccessKeyCreateDate: a key's CreateDate is the calendar time of its
// creation, kept as a virtual instant.
func TestAccessKeyCreateDate(t *testing.T) {
	svc, root, _ := profileWorld(t, 1)
	env := svc.Env()
	env.RunFor(3*time.Hour + 5*time.Nanosecond)
	made := env.NowTime()
	k, err := svc.CreateAccessKey(root, "alice")
	require.NoError(t, err)
	require.Equal(t, made, k.CreateDate)
	env.RunFor(time.Hour)
	keys, err := svc.ListAccessKeys(root, "alice")
	require.NoError(t, err)
	require.Len(t, keys, 1)
	require.Equal(t, made, keys[0].CreateDate)
}

// BenchmarkPCGFill: the characters of one instance-profile session (356).
func BenchmarkPCGFill(b *testing.B) {
	dst := make([]byte, 356)
	hi, lo := uint64(0x9e3779b97f4a7c15), uint64(0xffffffffffffff00)
	for b.Loop() {
		hi, lo = pcgFill(dst, secretAlphabet, hi, lo)
	}
}
