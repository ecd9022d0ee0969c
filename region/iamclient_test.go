package region

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/sim"
)

// TestIAMAndSTSGoThroughThePipeline: IAM and STS calls take ctx first,
// pay network latency to their endpoint, count in PipelineStats, and can
// be throttled or failed like any service's.
func TestIAMAndSTSGoThroughThePipeline(t *testing.T) {
	w := pipelineWorld(t, 1)
	root, err := w.CreateAccount("444455556666")
	require.NoError(t, err)
	var created error
	elapsed := run(w, func(p *sim.Proc) {
		_, created = w.IAMClient(root).CreateUser(p, &iam.CreateUserInput{UserName: "bob"})
	})
	require.NoError(t, created)
	require.Positive(t, elapsed, "an internet client pays latency to iam.amazonaws.com")
	st := statsOf(w)
	require.Equal(t, 1, st.ByOperation["iam:CreateUser"])

	var who *GetCallerIdentityOutput
	run(w, func(p *sim.Proc) { who, err = w.STSClient("", root).GetCallerIdentity(p) })
	require.NoError(t, err)
	require.Equal(t, "444455556666", who.Account)
	require.Equal(t, 1, statsOf(w).ByOperation["sts:GetCallerIdentity"])

	// IAM's endpoint is served from the partition's global region.
	require.NoError(t, w.Faults().SetErrorRate("iam", "us-east-1", 1))
	run(w, func(p *sim.Proc) {
		_, err = w.IAMClient(root).GetUser(context.WithValue(p, testCtxKey{}, 1), &GetUserInput{UserName: "bob"})
	})
	require.ErrorIs(t, err, ErrInternalFailure)
	var mae *MaxAttemptsError
	require.ErrorAs(t, err, &mae)
	require.Equal(t, 3, mae.Attempt)

	// Permissions are IAM's own: carol, with no policy, may not create users.
	require.NoError(t, w.Faults().SetErrorRate("iam", "us-east-1", 0))
	carol := newUser(t, w, root, "carol", "")
	run(w, func(p *sim.Proc) {
		_, err = w.IAMClient(carol).CreateUser(p, &iam.CreateUserInput{UserName: "mallory"})
	})
	require.ErrorIs(t, err, ErrAccessDenied)
	require.Contains(t, err.Error(), "iam:CreateUser")
}

// TestIAMClientCreateServiceLinkedRole: the service-linked role is created
// through the pipeline, counted under iam:CreateServiceLinkedRole, and an
// unknown service is IAM's InvalidInput.
func TestIAMClientCreateServiceLinkedRole(t *testing.T) {
	w := pipelineWorld(t, 1)
	root, err := w.CreateAccount("444455556666")
	require.NoError(t, err)
	var out *CreateServiceLinkedRoleOutput
	run(w, func(p *sim.Proc) {
		out, err = w.IAMClient(root).CreateServiceLinkedRole(p, &iam.CreateServiceLinkedRoleInput{AWSServiceName: "autoscaling.amazonaws.com"})
	})
	require.NoError(t, err)
	require.Equal(t, "AWSServiceRoleForAutoScaling", out.Role.RoleName)
	require.Equal(t, "/aws-service-role/autoscaling.amazonaws.com/", out.Role.Path)
	require.Equal(t, 1, statsOf(w).ByOperation["iam:CreateServiceLinkedRole"])
	run(w, func(p *sim.Proc) {
		out, err = w.IAMClient(root).CreateServiceLinkedRole(p, &iam.CreateServiceLinkedRoleInput{AWSServiceName: "nosuch.amazonaws.com"})
	})
	require.ErrorIs(t, err, iam.ErrInvalidInput)
	require.Nil(t, out)
}
