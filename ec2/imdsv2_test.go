package ec2

import (
	"errors"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// onInstance runs fn as a process on m (in a container if container) and
// waits for it to end.
func onInstance(t *testing.T, p *sim.Proc, m *Machine, container bool, fn func(q *sim.Proc)) {
	t.Helper()
	start := m.Go
	if container {
		start = m.GoInContainer
	}
	done := p.Env().NewEvent("probe done")
	q, err := start("probe", fn)
	require.NoError(t, err)
	q.OnExit(func(*sim.Proc) { done.Trigger(nil) })
	require.NoError(t, p.Wait(done))
}

// hostsFor is a world with every catalog host type and one host of each
// built-in family plus the given ones.
func hostsFor(families ...string) region.Options {
	hosts := map[string]int{"m5": 1, "c5": 1, "r5": 1, "t3": 1}
	for _, f := range families {
		hosts[f] = 1
	}
	return region.Options{HostTypes: HostTypes(), HostsPerAZ: hosts}
}

// Token TTLs: 1 to 21,600 whole seconds, in virtual time; a token works
// until its TTL and then gets 401; another instance's token gets 401.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
func TestIMDSv2TokenTTLAndExpiry(t *testing.T) {
	f := newFixture(t, 140, Options{})
	f.do(12*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		other := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		var otherTok string
		onInstance(t, p, other, false, func(q *sim.Proc) {
			var err error
			otherTok, err = GetMetadataToken(q, time.Minute)
			require.NoError(t, err)
		})
		onInstance(t, p, m, false, func(q *sim.Proc) {
			for _, ttl := range []time.Duration{0, -time.Second, 500 * time.Millisecond, 21601 * time.Second, 1500 * time.Millisecond} {
				_, err := GetMetadataToken(q, ttl)
				require.ErrorIs(t, err, ErrMetadataBadRequest, "ttl %v", ttl)
			}
			tok, err := GetMetadataToken(q, 10*time.Second)
			require.NoError(t, err)
			id, err := GetMetadataWithToken(q, tok, "instance-id")
			require.NoError(t, err)
			require.Equal(t, m.ID(), id)
			_, err = GetMetadataWithToken(q, otherTok, "instance-id")
			require.ErrorIs(t, err, ErrMetadataUnauthorized, "another instance's token")
			_, err = GetMetadataWithToken(q, "forged", "instance-id")
			require.ErrorIs(t, err, ErrMetadataUnauthorized)
			require.NoError(t, q.Sleep(10*time.Second))
			_, err = GetMetadataWithToken(q, tok, "instance-id")
			require.ErrorIs(t, err, ErrMetadataUnauthorized, "expired token")
			long, err := GetMetadataToken(q, MaxIMDSTokenTTL)
			require.NoError(t, err)
			require.NoError(t, q.Sleep(6*time.Hour-time.Second))
			_, err = GetMetadataWithToken(q, long, "instance-id")
			require.NoError(t, err, "a 21,600 s token still works just before six hours")
		})
	})
}

// HttpTokens required: a tokenless (v1) read gets 401, a token works;
// optional: both work. HttpEndpoint disabled: every request gets 403.
func TestIMDSv2RequiredOptionalDisabled(t *testing.T) {
	f := newFixture(t, 141, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large",
			MetadataOptions: &InstanceMetadataOptionsRequest{HttpTokens: HttpTokensRequired}})
		require.Equal(t, HttpTokensRequired, m.describe().MetadataOptions.HttpTokens)
		onInstance(t, p, m, false, func(q *sim.Proc) {
			_, err := GetMetadata(q, "instance-id")
			require.ErrorIs(t, err, ErrMetadataUnauthorized)
			tok, err := GetMetadataToken(q, time.Minute)
			require.NoError(t, err)
			_, err = GetMetadataWithToken(q, tok, "instance-id")
			require.NoError(t, err)
		})
		out, err := f.c.ModifyInstanceMetadataOptions(p, &ModifyInstanceMetadataOptionsInput{InstanceId: m.ID(), HttpTokens: HttpTokensOptional})
		require.NoError(t, err)
		require.Equal(t, "pending", out.InstanceMetadataOptions.State)
		onInstance(t, p, m, false, func(q *sim.Proc) {
			_, err := GetMetadata(q, "instance-id")
			require.NoError(t, err)
		})
		_, err = f.c.ModifyInstanceMetadataOptions(p, &ModifyInstanceMetadataOptionsInput{InstanceId: m.ID(), HttpEndpoint: HttpEndpointDisabled})
		require.NoError(t, err)
		onInstance(t, p, m, false, func(q *sim.Proc) {
			_, err := GetMetadata(q, "instance-id")
			require.ErrorIs(t, err, ErrMetadataForbidden)
			_, err = GetMetadataToken(q, time.Minute)
			require.ErrorIs(t, err, ErrMetadataForbidden)
		})
	})
}

// The token PUT's response has a hop limit (default 1): a process in a
// container is one hop further and times out until the limit is 2.
func TestIMDSv2HopLimitForContainers(t *testing.T) {
	f := newFixture(t, 142, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		require.EqualValues(t, 1, m.describe().MetadataOptions.HttpPutResponseHopLimit)
		onInstance(t, p, m, true, func(q *sim.Proc) {
			t0 := q.Now()
			_, err := GetMetadataToken(q, time.Minute)
			require.ErrorIs(t, err, ErrIMDSTimeout)
			require.GreaterOrEqual(t, q.Now().Sub(t0), IMDSTimeout, "the caller waits for its timeout")
		})
		onInstance(t, p, m, false, func(q *sim.Proc) {
			_, err := GetMetadataToken(q, time.Minute)
			require.NoError(t, err, "on the host itself one hop is enough")
		})
		_, err := f.c.ModifyInstanceMetadataOptions(p, &ModifyInstanceMetadataOptionsInput{InstanceId: m.ID(), HttpPutResponseHopLimit: 2})
		require.NoError(t, err)
		onInstance(t, p, m, true, func(q *sim.Proc) {
			_, err := GetMetadataToken(q, time.Minute)
			require.NoError(t, err)
		})
	})
}

// Bad metadata options get AWS's error codes and leave the instance as it
// was; so do launches with them.
func TestIMDSOptionsBadInput(t *testing.T) {
	f := newFixture(t, 143, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		before := m.describe().MetadataOptions
		for _, tc := range []struct {
			in   ModifyInstanceMetadataOptionsInput
			code string
		}{
			{ModifyInstanceMetadataOptionsInput{HttpTokens: "sometimes"}, "InvalidParameterValue"},
			{ModifyInstanceMetadataOptionsInput{HttpPutResponseHopLimit: 65}, "InvalidParameterValue"},
			{ModifyInstanceMetadataOptionsInput{HttpPutResponseHopLimit: -1}, "InvalidParameterValue"},
			{ModifyInstanceMetadataOptionsInput{HttpEndpoint: "off"}, "InvalidParameterValue"},
			{ModifyInstanceMetadataOptionsInput{HttpEndpoint: HttpEndpointDisabled, HttpTokens: HttpTokensRequired}, "InvalidParameterCombination"},
			{ModifyInstanceMetadataOptionsInput{}, "MissingParameter"},
		} {
			in := tc.in
			in.InstanceId = m.ID()
			_, err := f.c.ModifyInstanceMetadataOptions(p, &in)
			wantCode(t, err, tc.code)
			require.Equal(t, before, m.describe().MetadataOptions, "options changed by a failed call %+v", tc.in)
		}
		_, err := f.c.ModifyInstanceMetadataOptions(p, &ModifyInstanceMetadataOptionsInput{InstanceId: "i-00000000000000000", HttpTokens: HttpTokensRequired})
		wantCode(t, err, "InvalidInstanceID.NotFound")
		_, err = f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			MetadataOptions: &InstanceMetadataOptionsRequest{HttpPutResponseHopLimit: 100}})
		wantCode(t, err, "InvalidParameterValue")
	})
}

// An AMI with ImdsSupport v2.0 makes its instances require tokens, with a
// hop limit of 2.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html
func TestIMDSv2DefaultFromAMI(t *testing.T) {
	f := newFixtureWorld(t, 144, Options{}, hostsFor("m7g"))
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m7g.large", ImageId: ImageID(publicImages[imageAL2023Arm].Name, testRegion)})
		o := m.describe().MetadataOptions
		require.Equal(t, HttpTokensRequired, o.HttpTokens)
		require.EqualValues(t, 2, o.HttpPutResponseHopLimit)
		// An x86 type on the arm64 image is refused.
		_, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: ImageID(publicImages[imageAL2023Arm].Name, testRegion),
			InstanceType: "m5.large", MinCount: 1, MaxCount: 1})
		wantCode(t, err, "InvalidParameterValue")
	})
}

// The credential provider tries IMDSv2 first; it falls back to v1 only
// when the token request gets no answer, and v1 works only while tokens
// are optional.
func TestIMDSCredentialsV2FirstThenV1(t *testing.T) {
	f := newFixture(t, 145, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", IamInstanceProfile: &IamInstanceProfileSpecification{Name: "worker"}})
		onInstance(t, p, m, true, func(q *sim.Proc) { // hop limit 1: v2 times out, v1 (optional) answers
			c, err := IMDSCredentials(q)
			require.NoError(t, err)
			require.Equal(t, iam.SourceIMDS, c.Source)
			require.NotEmpty(t, c.SessionToken)
		})
		_, err := f.c.ModifyInstanceMetadataOptions(p, &ModifyInstanceMetadataOptionsInput{InstanceId: m.ID(), HttpTokens: HttpTokensRequired})
		require.NoError(t, err)
		onInstance(t, p, m, true, func(q *sim.Proc) { // v2 times out, v1 refused
			_, err := IMDSCredentials(q)
			require.ErrorIs(t, err, ErrMetadataUnauthorized)
		})
		onInstance(t, p, m, false, func(q *sim.Proc) { // on the host: v2 works
			c, err := IMDSCredentials(q)
			require.NoError(t, err)
			// The chain of iam finds them as the EC2 role provider.
			pe := &iam.ProcessEnv{InstanceMetadata: IMDSProvider(q)}
			got, err := iam.DefaultChain(q.Env(), pe).Retrieve()
			require.NoError(t, err)
			require.Equal(t, c.AccessKeyID, got.AccessKeyID)
		})
		// Off EC2 there is no metadata service at all.
		_, err = IMDSCredentials(p)
		require.True(t, errors.Is(err, ErrIMDSUnreachable))
	})
}
