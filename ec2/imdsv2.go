package ec2

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/mix"
	"github.com/nimbus-sim/nimbus/sim"
)

// IMDSv2: session tokens, the PUT response hop limit and the metadata
// options, as "Use IMDSv2" documents them:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
//   - a PUT to /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds
//     between 1 and 21,600 returns a token valid for that long on this
//     instance only (GetMetadataToken);
//   - when HttpTokens is "required", a read without a valid, unexpired
//     token gets 401 Unauthorized; a read with an invalid or expired token
//     gets 401 whatever HttpTokens says;
//   - the PUT's response carries an IP hop limit (default 1): a process in
//     a container on the instance is one hop further away and needs 2,
//     otherwise the response never reaches it and the request times out;
//   - HttpEndpoint "disabled" turns the service off: every request is
//     refused with 403 Forbidden (what the SDKs' IMDS clients report as
//     "IMDS is disabled").
// Options are set at launch (RunInstancesInput.MetadataOptions) and changed
// with ModifyInstanceMetadataOptions:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html

// HttpTokensState is whether IMDSv2 tokens are required.
type HttpTokensState string

// HttpTokens values.
const (
	HttpTokensOptional HttpTokensState = "optional"
	HttpTokensRequired HttpTokensState = "required"
)

// InstanceMetadataEndpointState turns the metadata service on or off.
type InstanceMetadataEndpointState string

// HttpEndpoint values.
const (
	HttpEndpointEnabled  InstanceMetadataEndpointState = "enabled"
	HttpEndpointDisabled InstanceMetadataEndpointState = "disabled"
)

// Token TTL bounds and the hop-limit range of the API reference
// (HttpPutResponseHopLimit: 1 to 64).
const (
	MinIMDSTokenTTL = time.Second
	MaxIMDSTokenTTL = 21600 * time.Second
	MaxIMDSHopLimit = 64
)

// IMDSTimeout is how long a metadata request waits for an answer that never
// comes (a token PUT beyond the hop limit): the SDKs' IMDS client timeout
// of one second (https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-client.html).
const IMDSTimeout = time.Second

// The IMDS's HTTP errors besides 404 (ErrMetadataNotFound).
var (
	// ErrMetadataBadRequest is 400: a token PUT with a missing or
	// out-of-range TTL.
	ErrMetadataBadRequest = errors.New("ec2 imds: 400 Bad Request")
	// ErrMetadataUnauthorized is 401: no valid token where one is
	// required, or an invalid or expired token.
	ErrMetadataUnauthorized = errors.New("ec2 imds: 401 Unauthorized")
	// ErrMetadataForbidden is 403: the metadata endpoint is disabled.
	ErrMetadataForbidden = errors.New("ec2 imds: 403 Forbidden")
	// ErrIMDSTimeout: no response arrived (the token PUT's response ran
	// out of hops before reaching a process in a container).
	ErrIMDSTimeout = errors.New("ec2 imds: request timed out")
)

// InstanceMetadataOptionsRequest are the metadata options of a launch.
// Zero fields take the defaults: HttpTokens "optional" ("required" when the
// AMI's ImdsSupport is "v2.0"), hop limit 1 (2 for such an AMI), endpoint
// "enabled".
type InstanceMetadataOptionsRequest struct {
	HttpTokens              HttpTokensState
	HttpPutResponseHopLimit int32
	HttpEndpoint            InstanceMetadataEndpointState
}

// InstanceMetadataOptionsResponse is what DescribeInstances and
// ModifyInstanceMetadataOptions report. State is "pending" in the answer to
// a modification and "applied" once it is in effect.
type InstanceMetadataOptionsResponse struct {
	State                   string
	HttpTokens              HttpTokensState
	HttpPutResponseHopLimit int32
	HttpEndpoint            InstanceMetadataEndpointState
}

// imdsState is an instance's metadata options and live session tokens.
type imdsState struct {
	hops int32
	// required: HttpTokens "required" (else "optional"); disabled:
	// HttpEndpoint "disabled" (else "enabled"). Flags, not the strings:
	// every machine carries them for the hour it stays visible.
	required, disabled bool
	// sessions are the IMDSv2 sessions, made at the first token: most
	// instances never ask for one.
	sessions *imdsSessions
}

// imdsSessions are an instance's IMDSv2 session tokens.
type imdsSessions struct {
	live map[string]sim.Time // token -> expiry, while the instance runs
	seq  uint64              // tokens issued over the instance's life
}

// endSessions ends the live sessions (the instance stopped, or moved to
// another host); the count of tokens issued goes on.
func (st *imdsState) endSessions() {
	if st.sessions != nil {
		st.sessions.live = nil
	}
}

func (st *imdsState) tokens() HttpTokensState {
	if st.required {
		return HttpTokensRequired
	}
	return HttpTokensOptional
}

func (st *imdsState) endpoint() InstanceMetadataEndpointState {
	if st.disabled {
		return HttpEndpointDisabled
	}
	return HttpEndpointEnabled
}

func (st *imdsState) response(state string) *InstanceMetadataOptionsResponse {
	return &InstanceMetadataOptionsResponse{State: state, HttpTokens: st.tokens(), HttpPutResponseHopLimit: st.hops, HttpEndpoint: st.endpoint()}
}

// metadataOptions validates launch options against the AMI's defaults.
func metadataOptions(req *InstanceMetadataOptionsRequest, img *Image) (imdsState, error) {
	st := imdsState{hops: 1}
	if img != nil && img.ImdsSupport == "v2.0" {
		// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html
		st.required, st.hops = true, 2
	}
	if req == nil {
		return st, nil
	}
	return st.apply(req.HttpTokens, req.HttpPutResponseHopLimit, req.HttpEndpoint)
}

// apply returns st changed by the given options (zero = unchanged), or
// AWS's error; st itself is not modified.
func (st imdsState) apply(tokens HttpTokensState, hops int32, endpoint InstanceMetadataEndpointState) (imdsState, error) {
	switch tokens {
	case "":
	case HttpTokensOptional, HttpTokensRequired:
		st.required = tokens == HttpTokensRequired
	default:
		return st, clientErr("InvalidParameterValue", "Value (%s) for parameter HttpTokens is invalid. Valid values are: optional, required.", tokens)
	}
	if hops != 0 {
		if hops < 1 || hops > MaxIMDSHopLimit {
			return st, clientErr("InvalidParameterValue",
				"Value (%d) for parameter HttpPutResponseHopLimit is invalid. The hop limit must be between 1 and %d.", hops, MaxIMDSHopLimit)
		}
		st.hops = hops
	}
	switch endpoint {
	case "":
	case HttpEndpointEnabled, HttpEndpointDisabled:
		if endpoint == HttpEndpointDisabled && (tokens != "" || hops != 0) {
			return st, clientErr("InvalidParameterCombination",
				"HttpTokens and HttpPutResponseHopLimit can only be set with HttpEndpoint enabled.")
		}
		st.disabled = endpoint == HttpEndpointDisabled
	default:
		return st, clientErr("InvalidParameterValue", "Value (%s) for parameter HttpEndpoint is invalid. Valid values are: enabled, disabled.", endpoint)
	}
	return st, nil
}

// ModifyInstanceMetadataOptionsInput changes an instance's metadata
// options; at least one of the three must be set.
type ModifyInstanceMetadataOptionsInput struct {
	InstanceId              string
	HttpTokens              HttpTokensState
	HttpPutResponseHopLimit int32
	HttpEndpoint            InstanceMetadataEndpointState
	DryRun                  bool
}

// ModifyInstanceMetadataOptionsOutput reports the new options (State
// "pending").
type ModifyInstanceMetadataOptionsOutput struct {
	InstanceId              string
	InstanceMetadataOptions *InstanceMetadataOptionsResponse
}

// ModifyInstanceMetadataOptions changes the metadata options of a pending,
// running, stopping or stopped instance; running processes see the change
// at their next request. Bad values leave the instance unchanged.
func (c *Client) ModifyInstanceMetadataOptions(ctx context.Context, in *ModifyInstanceMetadataOptionsInput) (*ModifyInstanceMetadataOptionsOutput, error) {
	if in == nil {
		in = &ModifyInstanceMetadataOptionsInput{}
	}
	var out *ModifyInstanceMetadataOptionsOutput
	ids := nonEmpty(in.InstanceId)
	err := c.call(ctx, "ModifyInstanceMetadataOptions", first("instance", ids), nil, func(account string) error {
		if in.DryRun {
			return errDryRun()
		}
		ms, err := c.svc.lookup(account, c.region, ids)
		if err != nil {
			return err
		}
		m := ms[0]
		if in.HttpTokens == "" && in.HttpPutResponseHopLimit == 0 && in.HttpEndpoint == "" {
			return clientErr("MissingParameter", "At least one of HttpTokens, HttpPutResponseHopLimit and HttpEndpoint must be specified.")
		}
		if m.state == InstanceStateShuttingDown || m.state == InstanceStateTerminated {
			return errIncorrectInstanceState(m.id, m.state, "modified")
		}
		st, err := m.imds.apply(in.HttpTokens, in.HttpPutResponseHopLimit, in.HttpEndpoint)
		if err != nil {
			return err
		}
		m.imds = st
		out = &ModifyInstanceMetadataOptionsOutput{InstanceId: m.id, InstanceMetadataOptions: st.response("pending")}
		return nil
	})
	return out, wrap("ModifyInstanceMetadataOptions", err)
}

type hopsKey struct{}

// GoInContainer starts fn like Go, as a process in a container on the
// instance: one network hop further from the metadata service, so that
// its IMDSv2 token requests need a hop limit of at least 2.
func (m *Machine) GoInContainer(name string, fn func(p *sim.Proc)) (*sim.Proc, error) {
	p, err := m.Go(name, fn)
	if err == nil {
		p.SetValue(hopsKey{}, int32(2))
	}
	return p, err
}

// imdsCaller resolves the instance a metadata request comes from and
// waits out the service's latency.
func imdsCaller(ctx context.Context) (*sim.Proc, *Machine, error) {
	p, ok := ctx.(*sim.Proc)
	if !ok {
		return nil, nil, ErrIMDSUnreachable
	}
	m, ok := MachineOf(p)
	if !ok {
		return nil, nil, ErrIMDSUnreachable
	}
	if d := m.svc.opts.IMDSLatency; d > 0 {
		if err := p.Sleep(d); err != nil {
			return nil, nil, err
		}
	}
	if m.state != InstanceStateRunning {
		return nil, nil, ErrIMDSUnreachable
	}
	return p, m, nil
}

// GetMetadataToken is IMDSv2's session start, PUT /latest/api/token with
// X-aws-ec2-metadata-token-ttl-seconds: it returns a token for this
// instance valid for ttl of virtual time. ttl must be whole seconds from 1
// to 21,600 (400 Bad Request otherwise). ctx must be a process on the
// instance (Machine.Go, Machine.GoInContainer).
func GetMetadataToken(ctx context.Context, ttl time.Duration) (string, error) {
	p, m, err := imdsCaller(ctx)
	if err != nil {
		return "", err
	}
	st := &m.imds
	if st.disabled {
		return "", ErrMetadataForbidden
	}
	if ttl < MinIMDSTokenTTL || ttl > MaxIMDSTokenTTL || ttl%time.Second != 0 {
		return "", fmt.Errorf("%w: X-aws-ec2-metadata-token-ttl-seconds %v: want whole seconds from 1 to 21600", ErrMetadataBadRequest, ttl)
	}
	hops, _ := p.Value(hopsKey{}).(int32)
	if hops == 0 {
		hops = 1
	}
	if hops > st.hops {
		// The response's IP TTL runs out before it reaches the caller; the
		// client waits until its timeout.
		if err := p.Sleep(IMDSTimeout); err != nil {
			return "", err
		}
		return "", fmt.Errorf("%w: PUT /latest/api/token from %d hops away, hop limit %d", ErrIMDSTimeout, hops, st.hops)
	}
	now := m.svc.env.Now()
	if st.sessions == nil {
		st.sessions = &imdsSessions{}
	}
	ss := st.sessions
	if ss.live == nil {
		ss.live = map[string]sim.Time{}
	}
	for tok, exp := range ss.live { // forget expired sessions so the map stays small
		if exp <= now {
			delete(ss.live, tok)
		}
	}
	ss.seq++
	tok := fmt.Sprintf("AQAEA%016x%016x==", mix.SplitMix64(mix.FNV64a(m.id)), mix.SplitMix64(ss.seq))
	ss.live[tok] = now.Add(ttl)
	return tok, nil
}

// GetMetadataWithToken reads a metadata item with an IMDSv2 token (the
// X-aws-ec2-metadata-token header). An unknown token, another instance's,
// or an expired one gets 401 Unauthorized.
func GetMetadataWithToken(ctx context.Context, token, path string) (string, error) {
	_, m, err := imdsCaller(ctx)
	if err != nil {
		return "", err
	}
	if m.imds.disabled {
		return "", ErrMetadataForbidden
	}
	var exp sim.Time
	ok := false
	if ss := m.imds.sessions; ss != nil {
		exp, ok = ss.live[token]
	}
	if !ok || exp <= m.svc.env.Now() {
		return "", ErrMetadataUnauthorized
	}
	return m.metadata(path)
}

// IMDSCredentials fetches the instance profile's credentials as the AWS
// SDKs' EC2 role provider does: IMDSv2 first (a token, then the role and
// its credentials with the token); only if the token request gets no
// answer (hop limit) does it fall back to IMDSv1, which works only while
// HttpTokens is "optional". A disabled endpoint (403) is not retried with
// v1. Use it as iam.ProcessEnv.InstanceMetadata through IMDSProvider.
func IMDSCredentials(ctx context.Context) (iam.Credentials, error) {
	get := GetMetadata
	tok, err := GetMetadataToken(ctx, MaxIMDSTokenTTL)
	switch {
	case err == nil:
		get = func(ctx context.Context, path string) (string, error) { return GetMetadataWithToken(ctx, tok, path) }
	case errors.Is(err, ErrIMDSTimeout):
		// v1 fallback below
	default:
		return iam.Credentials{}, err
	}
	role, err := get(ctx, "iam/security-credentials/")
	if err != nil {
		if errors.Is(err, ErrMetadataNotFound) {
			return iam.Credentials{}, fmt.Errorf("%w: %v", iam.ErrNoSuchEntity, err)
		}
		return iam.Credentials{}, err
	}
	body, err := get(ctx, "iam/security-credentials/"+role)
	if err != nil {
		return iam.Credentials{}, err
	}
	doc, err := ParseIMDSCredentials(body)
	if err != nil {
		return iam.Credentials{}, err
	}
	exp, err := time.Parse(time.RFC3339, doc.Expiration)
	if err != nil {
		return iam.Credentials{}, fmt.Errorf("ec2 imds: credentials document: %w", err)
	}
	return iam.Credentials{AccessKeyID: doc.AccessKeyId, SecretAccessKey: doc.SecretAccessKey, SessionToken: doc.Token,
		Expiration: exp, Source: iam.SourceIMDS}, nil
}

// IMDSProvider returns IMDSCredentials bound to ctx, for
// iam.ProcessEnv.InstanceMetadata.
func IMDSProvider(ctx context.Context) func() (iam.Credentials, error) {
	return func() (iam.Credentials, error) { return IMDSCredentials(ctx) }
}
