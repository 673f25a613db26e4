#!/usr/bin/env bash
# AWS CLI conformance: a client nobody here wrote (the AWS CLI and its botocore) drives the standalone emulator.
#
#   tests/conformance/ec2-cli.sh
#
# Environment (all optional):
#   AWS_CLI=/path/to/aws       the aws executable (default: /usr/bin/aws if it works, else the first working aws on PATH)
#   SQS_AWS_CLI=/path/to/aws   the aws executable for the SQS part (default: AWS_CLI; either SQS protocol, JSON or Query)
#   EMULATOR_DLL=/path/to/StatefulSpot.Emulator.dll   run this build, do not build
#   CONFIGURATION=Debug        configuration to build and run (default Debug)
#   TIME_SCALE=0.01            --Emulator:TimeScale
#   POLL_TRIES=15              how often `poll` repeats a call before it gives up
#   VERBOSE=1                  print every aws call with its duration and exit code (stderr)
#
# Output: one `ok - <name>` / `not ok - <name>: <reason>` / `skip - <name>: <reason>` line per check, then
# `N passed, N failed`; the exit code is non-zero when anything failed. The emulator is always stopped on exit.
#
# Extending: call `run <aws args...>` (the result lands in LAST_RC / LAST_OUT / LAST_ERR), then
# `check "<name>" <predicate> <args...>`, predicates being succeeds, fails_with CODE, json_eq FILTER VALUE,
# json_true FILTER, poll FILTER VALUE <aws args...>, or any command or function that returns 0 on success (and sets
# REASON otherwise). Checks live in tracks (ec2_instances, ec2_paging, ec2_volumes, ec2_secondary_ips, sqs_track) that run side by side,
# each on resources it creates and tags itself; a new area of the emulator gets a new track function and a
# `start_track` line at the bottom. Each aws call costs about a second of Python start-up, hence the tracks.

set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFIGURATION=${CONFIGURATION:-Debug}
TIME_SCALE=${TIME_SCALE:-0.01}
POLL_TRIES=${POLL_TRIES:-15}
VERBOSE=${VERBOSE:-0}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ec2-cli-conformance.XXXXXX")
RESULTS=$WORK/results
EMULATOR_LOG=$WORK/emulator.log
EMULATOR_PID=""
WATCHDOG_PID=""
TRACK_PIDS=()
TRACK_NAMES=()

: >"$RESULTS"

cleanup() {
    local rc=$?
    local pid
    for pid in "${TRACK_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [[ -n $WATCHDOG_PID ]]; then
        kill "$WATCHDOG_PID" 2>/dev/null
        wait "$WATCHDOG_PID" 2>/dev/null
    fi
    if [[ -n $EMULATOR_PID ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
        kill "$EMULATOR_PID" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$EMULATOR_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$EMULATOR_PID" 2>/dev/null
        wait "$EMULATOR_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

die() {
    echo "error: $*" >&2
    exit 2
}

# ---------------------------------------------------------------------------------------------------------------------
# reporting

ok() {
    echo "ok - $1"
    echo "ok - $1" >>"$RESULTS"
}

not_ok() {
    echo "not ok - $1: $2"
    echo "not ok - $1: $2" >>"$RESULTS"
}

skip() {
    echo "skip - $1: $2"
    echo "skip - $1: $2" >>"$RESULTS"
}

# check NAME PREDICATE [ARGS...]: runs the predicate in this shell (it may call `run` and set ids), reports the result.
check() {
    local name=$1
    shift
    REASON=""
    if "$@"; then
        ok "$name"
        return 0
    fi
    not_ok "$name" "${REASON:-$*}"
    return 1
}

# ---------------------------------------------------------------------------------------------------------------------
# calling aws

AWS=""
LAST_RC=0
LAST_OUT=""
LAST_ERR=""

# run [aws args...]: one aws call against the emulator with $AWS; sets LAST_RC, LAST_OUT, LAST_ERR.
run() {
    local out=$WORK/out.$BASHPID err=$WORK/err.$BASHPID # per shell: the SQS part runs in a background subshell
    local started=$EPOCHREALTIME
    "$AWS" --endpoint-url "$ENDPOINT" --output json "$@" >"$out" 2>"$err"
    LAST_RC=$?
    [[ $VERBOSE == 1 ]] && echo "# $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }') s, exit $LAST_RC: aws $*" >&2
    LAST_OUT=$(<"$out")
    LAST_ERR=$(<"$err")
    return 0
}

first_error_line() {
    local line
    line=$(grep -m1 -v '^[[:space:]]*$' <<<"$LAST_ERR")
    echo "${line:0:300}"
}

# jqr FILTER: the filter applied to the last output, raw.
jqr() {
    jq -r "$1" <<<"$LAST_OUT" 2>/dev/null
}

# predicates ------------------------------------------------------------------------------------------------------------

succeeds() {
    [[ $LAST_RC == 0 ]] && return 0
    REASON="exit $LAST_RC: $(first_error_line)"
    return 1
}

# fails_with CODE: the last call exited non-zero and its stderr names CODE.
fails_with() {
    if [[ $LAST_RC == 0 ]]; then
        REASON="expected $1, but the call succeeded"
        return 1
    fi
    grep -qF -- "$1" <<<"$LAST_ERR" && return 0
    REASON="expected $1, got exit $LAST_RC: $(first_error_line)"
    return 1
}

# json_eq FILTER EXPECTED: the last call succeeded and `jq -r FILTER` gives EXPECTED.
json_eq() {
    succeeds || return 1
    local actual
    actual=$(jqr "$1")
    [[ $actual == "$2" ]] && return 0
    REASON="$1: expected '$2', got '${actual:0:300}'"
    return 1
}

# json_true FILTER: the last call succeeded and FILTER is true.
json_true() {
    succeeds || return 1
    jq -e "$1" <<<"$LAST_OUT" >/dev/null 2>&1 && return 0
    REASON="not true: $1 (output: $(tr -s ' \n' ' ' <<<"$LAST_OUT" | cut -c1-300))"
    return 1
}

# poll FILTER EXPECTED AWS_ARGS...: repeats the call (at most POLL_TRIES times) until `jq -r FILTER` gives EXPECTED.
poll() {
    local filter=$1 want=$2 i actual=""
    shift 2
    for ((i = 1; i <= POLL_TRIES; i++)); do
        run "$@"
        if [[ $LAST_RC == 0 ]]; then
            actual=$(jqr "$filter")
            [[ $actual == "$want" ]] && return 0
        fi
        sleep 0.2
    done
    if [[ $LAST_RC != 0 ]]; then
        REASON="after $POLL_TRIES tries: exit $LAST_RC: $(first_error_line)"
    else
        REASON="after $POLL_TRIES tries $filter is '${actual:0:300}', not '$want'"
    fi
    return 1
}

# ---------------------------------------------------------------------------------------------------------------------
# tools

command -v jq >/dev/null || die "jq is required (apt-get install -y jq)"
command -v dotnet >/dev/null || die "dotnet is required"
command -v curl >/dev/null || die "curl is required"

aws_works() {
    [[ -x $1 ]] && "$1" --version >/dev/null 2>&1
}

aws_candidates() {
    [[ -n ${AWS_CLI:-} ]] && echo "$AWS_CLI"
    echo /usr/bin/aws
    type -a -p aws 2>/dev/null
}

if [[ -n ${AWS_CLI:-} ]]; then
    aws_works "$AWS_CLI" || die "AWS_CLI=$AWS_CLI does not run ('$AWS_CLI --version' fails)"
    AWS=$AWS_CLI
else
    while read -r candidate; do
        if aws_works "$candidate"; then
            AWS=$candidate
            break
        fi
        echo "# $candidate does not run, skipping it" >&2
    done < <(aws_candidates | awk '!seen[$0]++')
fi
[[ -n $AWS ]] || die "no working aws CLI (apt-get install -y awscli)"

export AWS_ACCESS_KEY_ID=conformance AWS_SECRET_ACCESS_KEY=conformance AWS_SESSION_TOKEN=conformance
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_CA_BUNDLE

echo "# aws: $AWS ($("$AWS" --version 2>&1 | head -1))"
echo "# jq: $(jq --version)"

# ---------------------------------------------------------------------------------------------------------------------
# the emulator

if [[ -n ${EMULATOR_DLL:-} ]]; then
    [[ -f $EMULATOR_DLL ]] || die "EMULATOR_DLL=$EMULATOR_DLL does not exist"
    DLL=$EMULATOR_DLL
else
    echo "# building src/Emulator ($CONFIGURATION)"
    if ! dotnet build "$REPO/src/Emulator/Emulator.csproj" -c "$CONFIGURATION" -nologo -v q >"$WORK/build.log" 2>&1; then
        tail -30 "$WORK/build.log" >&2
        die "dotnet build src/Emulator failed"
    fi
    DLL=$REPO/src/Emulator/bin/$CONFIGURATION/net10.0/StatefulSpot.Emulator.dll
    [[ -f $DLL ]] || die "built, but $DLL is missing"
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
        || /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

PORT=$(free_port)
[[ -n $PORT ]] || die "could not find a free port"
ENDPOINT=http://127.0.0.1:$PORT
dotnet "$DLL" --urls "$ENDPOINT" --Emulator:TimeScale="$TIME_SCALE" >"$EMULATOR_LOG" 2>&1 &
EMULATOR_PID=$!
# should this script die without running its EXIT trap (SIGKILL), the watchdog still stops the emulator and tidies up
(
    trap - EXIT
    while kill -0 $$ 2>/dev/null; do sleep 1; done
    kill "$EMULATOR_PID" 2>/dev/null
    sleep 2
    rm -rf "$WORK"
) >/dev/null 2>&1 &
WATCHDOG_PID=$!
ready=0
for _ in $(seq 150); do
    kill -0 "$EMULATOR_PID" 2>/dev/null || break
    if curl -fsS -o /dev/null --max-time 1 "$ENDPOINT/_emulator/world" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.1
done
if [[ $ready != 1 ]]; then
    tail -30 "$EMULATOR_LOG" >&2
    die "the emulator did not come up on $ENDPOINT"
fi
echo "# emulator: dotnet $DLL --urls $ENDPOINT --Emulator:TimeScale=$TIME_SCALE (pid $EMULATOR_PID)"

# The world's fixed parts (src/Emulator/README.md, "The default world").
AMI=ami-0123456789abcdef0
ZONE_A=us-east-1a
ZONE_B=us-east-1b
SUBNET_A=subnet-0aaaaaaaaaaaaaaa1
SUBNET_B=subnet-0bbbbbbbbbbbbbbb2
RUN_TAG=conf-$$-$RANDOM

# ---------------------------------------------------------------------------------------------------------------------
# Tracks: independent groups of checks that run side by side (each aws call is ~1 s of Python start-up). The first
# runs in the foreground and prints as it goes; the others print when they are done. Add a check to the track whose
# resources it needs, or add a track: a function that creates what it uses, tagged with its own tag.

timed() {
    local started=$SECONDS
    "$1"
    echo "# $1: $((SECONDS - started)) s"
}

start_track() {
    timed "$1" >"$WORK/track.$1" 2>&1 &
    TRACK_PIDS+=($!)
    TRACK_NAMES+=("$1")
}

finish_tracks() {
    local i
    for i in "${!TRACK_PIDS[@]}"; do
        wait "${TRACK_PIDS[$i]}"
        cat "$WORK/track.${TRACK_NAMES[$i]}"
    done
    TRACK_PIDS=()
}

# ---------------------------------------------------------------------------------------------------------------------
# EC2: zones, subnets, a network interface, a Spot instance on it, filters, termination

ec2_instances() {
    local eni eni_ip=10.0.1.77 spot root_volume

    run ec2 describe-availability-zones
    check "describe-availability-zones" json_eq '[.AvailabilityZones[].ZoneName] | join(",")' "us-east-1a,us-east-1b,us-east-1c"

    run ec2 describe-subnets --filters Name=availability-zone,Values="$ZONE_A"
    check "describe-subnets filter availability-zone" json_eq \
        '[.Subnets[] | .SubnetId + " " + .CidrBlock + " " + .AvailabilityZone] | join(",")' "$SUBNET_A 10.0.1.0/24 $ZONE_A"

    run ec2 create-network-interface --subnet-id "$SUBNET_A" --private-ip-address "$eni_ip" --description "conformance $RUN_TAG" \
        --tag-specifications "ResourceType=network-interface,Tags=[{Key=conformance,Value=$RUN_TAG}]"
    check "create-network-interface --private-ip-address" json_eq \
        '.NetworkInterface | .PrivateIpAddress + " " + .SubnetId + " " + (.TagSet | map(.Key + "=" + .Value) | join(","))' \
        "$eni_ip $SUBNET_A conformance=$RUN_TAG"
    eni=$(jqr .NetworkInterface.NetworkInterfaceId)

    check "describe-network-interfaces tag filter, becomes available" poll \
        '[.NetworkInterfaces[] | .NetworkInterfaceId + "=" + .Status] | join(",")' "$eni=available" \
        ec2 describe-network-interfaces --filters "Name=tag:conformance,Values=$RUN_TAG"

    spot_launch() {
        run ec2 run-instances --image-id "$AMI" --instance-type m5.large --count 1 \
            --instance-market-options 'MarketType=spot,SpotOptions={SpotInstanceType=one-time,InstanceInterruptionBehavior=terminate}' \
            --network-interfaces "NetworkInterfaceId=$eni,DeviceIndex=0" \
            --block-device-mappings 'DeviceName=/dev/xvda,Ebs={VolumeSize=16,VolumeType=gp3,DeleteOnTermination=true}' \
            'DeviceName=/dev/sdf,Ebs={VolumeSize=10,VolumeType=gp3,DeleteOnTermination=true}' \
            --tag-specifications "ResourceType=instance,Tags=[{Key=conformance,Value=$RUN_TAG},{Key=Name,Value=spot-$RUN_TAG}]" \
            "ResourceType=volume,Tags=[{Key=conformance,Value=$RUN_TAG}]" \
            --client-token "token-$RUN_TAG"
    }

    spot_launch
    check "run-instances spot on an existing ENI" json_eq \
        '.Instances[0] | [.InstanceLifecycle, .NetworkInterfaces[0].NetworkInterfaceId, .PrivateIpAddress, .SubnetId, .Placement.AvailabilityZone] | join(" ")' \
        "spot $eni $eni_ip $SUBNET_A $ZONE_A"
    check "run-instances block device mappings" json_eq \
        '[.Instances[0].BlockDeviceMappings[] | .DeviceName + ":" + (.Ebs.VolumeId | startswith("vol-") | tostring)] | join(",")' \
        "/dev/xvda:true,/dev/sdf:true"
    check "run-instances tags and client token" json_eq \
        '.Instances[0] | (.Tags | map(select(.Key == "Name")) | .[0].Value) + " " + .ClientToken' "spot-$RUN_TAG token-$RUN_TAG"
    spot=$(jqr '.Instances[0].InstanceId')

    spot_launch
    check "run-instances same client token -> same instance" json_eq '[.Instances[].InstanceId] | join(",")' "$spot"

    run ec2 run-instances --image-id "$AMI" --instance-type m5.large --count 1 \
        --network-interfaces "NetworkInterfaceId=$eni,DeviceIndex=0" --client-token "other-$RUN_TAG"
    check "run-instances on an ENI in use -> InvalidNetworkInterface.InUse" fails_with InvalidNetworkInterface.InUse

    check "describe-instances by id, becomes running" poll \
        '.Reservations[0].Instances[0].State.Name' running ec2 describe-instances --instance-ids "$spot"
    check "running instance: volumes and ENI attached" json_eq \
        '.Reservations[0].Instances[0] | ([.BlockDeviceMappings[].Ebs.Status] + [.NetworkInterfaces[].Attachment.Status]) | join(",")' \
        "attached,attached,attached"
    root_volume=$(jqr '.Reservations[0].Instances[0].BlockDeviceMappings[] | select(.DeviceName == "/dev/xvda") | .Ebs.VolumeId')

    run ec2 describe-volumes --filters "Name=attachment.instance-id,Values=$spot"
    check "describe-volumes of the instance: sizes, tags" json_eq \
        '[.Volumes[] | "\(.Size) \(.State) \(.Tags | map(.Key + "=" + .Value) | join(","))"] | sort | join(";")' \
        "10 in-use conformance=$RUN_TAG;16 in-use conformance=$RUN_TAG"

    run ec2 describe-instances --filters Name=instance-state-name,Values=running "Name=tag:Name,Values=spot-$RUN_TAG"
    check "describe-instances filters instance-state-name + tag:KEY" json_eq '[.Reservations[].Instances[].InstanceId] | join(",")' "$spot"

    run ec2 describe-instances --instance-ids i-0123456789abcdef0
    check "describe-instances unknown id -> InvalidInstanceID.NotFound" fails_with InvalidInstanceID.NotFound

    run ec2 terminate-instances --instance-ids "$spot"
    check "terminate-instances" json_eq '.TerminatingInstances[0] | .InstanceId + " " + .CurrentState.Name' "$spot shutting-down"

    check "instance becomes terminated" poll '.Reservations[0].Instances[0].State.Name' terminated \
        ec2 describe-instances --instance-ids "$spot"

    run ec2 describe-volumes --volume-ids "$root_volume"
    check "DeleteOnTermination root volume is gone" fails_with InvalidVolume.NotFound

    run ec2 describe-network-interfaces --network-interface-ids "$eni"
    check "existing ENI is available again after termination" json_eq \
        '.NetworkInterfaces[0] | .Status + " " + (.Attachment == null | tostring)' "available true"

    run ec2 delete-network-interface --network-interface-id "$eni"
    check "delete-network-interface" succeeds
    run ec2 describe-network-interfaces --network-interface-ids "$eni"
    check "describe-network-interfaces deleted -> InvalidNetworkInterfaceID.NotFound" fails_with InvalidNetworkInterfaceID.NotFound
}

# ---------------------------------------------------------------------------------------------------------------------
# EC2: DescribeInstances paging (six instances in two reservations)

ec2_paging() {
    local tag=paging-$RUN_TAG ids=() all_ids first_ids rest_ids token

    run ec2 run-instances --image-id "$AMI" --instance-type c5.large --count 3 --subnet-id "$SUBNET_B" \
        --tag-specifications "ResourceType=instance,Tags=[{Key=conformance-paging,Value=$tag}]"
    check "run-instances --count 3 --subnet-id" json_eq \
        '"\([.Instances[].Placement.AvailabilityZone] | unique | join(",")) \(.Instances | length)"' "$ZONE_B 3"
    ids+=($(jqr '.Instances[].InstanceId'))
    run ec2 run-instances --image-id "$AMI" --instance-type c5.large --count 3 \
        --tag-specifications "ResourceType=instance,Tags=[{Key=conformance-paging,Value=$tag}]"
    check "run-instances --count 3" json_eq '.Instances | length' 3
    ids+=($(jqr '.Instances[].InstanceId'))
    all_ids=$(printf '%s\n' "${ids[@]}" | sort | xargs)

    run ec2 describe-instances --filters "Name=tag:conformance-paging,Values=$tag" Name=instance-state-name,Values=pending,running \
        --page-size 5
    check "describe-instances paged (MaxResults 5, NextToken followed)" json_eq \
        '[.Reservations[].Instances[].InstanceId] | sort | join(" ")' "$all_ids"

    run ec2 describe-instances --filters "Name=tag:conformance-paging,Values=$tag" --page-size 5 --max-items 1
    check "describe-instances --max-items 1 -> NextToken" json_true '(.Reservations | length) == 1 and (.NextToken | type) == "string"'
    first_ids=$(jqr '[.Reservations[].Instances[].InstanceId] | join(" ")')
    token=$(jqr .NextToken)
    run ec2 describe-instances --filters "Name=tag:conformance-paging,Values=$tag" --page-size 5 --starting-token "$token"
    check "describe-instances --starting-token" succeeds
    rest_ids=$(jqr '[.Reservations[].Instances[].InstanceId] | join(" ")')
    # shellcheck disable=SC2086
    check "describe-instances pages add up to every instance once" \
        test "$(printf '%s\n' $first_ids $rest_ids | sort | xargs)" == "$all_ids"

    run ec2 terminate-instances --instance-ids "${ids[@]}" --dry-run
    check "terminate-instances --dry-run -> DryRunOperation" fails_with DryRunOperation

    run ec2 terminate-instances --instance-ids "${ids[@]}"
    check "terminate-instances (six)" json_eq \
        '"\([.TerminatingInstances[].CurrentState.Name] | unique | join(",")) \(.TerminatingInstances | length)"' "shutting-down 6"
}

# ---------------------------------------------------------------------------------------------------------------------
# EC2: volumes (its own on-demand instance in zone A)

ec2_volumes() {
    local tag=volumes-$RUN_TAG instance volume_a volume_b

    run ec2 run-instances --image-id "$AMI" --instance-type t3.medium --count 1 --placement AvailabilityZone="$ZONE_A" \
        --tag-specifications "ResourceType=instance,Tags=[{Key=conformance-volumes,Value=$tag}]"
    check "run-instances --placement AvailabilityZone" json_eq '.Instances[0].Placement.AvailabilityZone' "$ZONE_A"
    instance=$(jqr '.Instances[0].InstanceId')

    run ec2 create-volume --availability-zone "$ZONE_A" --size 5 --volume-type gp3 \
        --tag-specifications "ResourceType=volume,Tags=[{Key=conformance-volumes,Value=$tag},{Key=Name,Value=data-$tag}]"
    check "create-volume" json_eq '"\(.Size) \(.VolumeType) \(.AvailabilityZone) \(.State)"' "5 gp3 $ZONE_A creating"
    volume_a=$(jqr .VolumeId)
    run ec2 create-volume --availability-zone "$ZONE_B" --size 5
    check "create-volume in another zone" json_eq .AvailabilityZone "$ZONE_B"
    volume_b=$(jqr .VolumeId)

    check "describe-volumes by ids, become available" poll '[.Volumes[].State] | join(",")' "available,available" \
        ec2 describe-volumes --volume-ids "$volume_a" "$volume_b"

    run ec2 describe-volumes --filters "Name=tag:Name,Values=data-$tag" Name=status,Values=available
    check "describe-volumes filters tag:KEY + status" json_eq '[.Volumes[].VolumeId] | join(",")' "$volume_a"

    check "the volumes' instance becomes running" poll '.Reservations[0].Instances[0].State.Name' running \
        ec2 describe-instances --instance-ids "$instance"

    run ec2 attach-volume --volume-id "$volume_a" --instance-id "$instance" --device /dev/sdg
    check "attach-volume" json_eq '.State + " " + .Device + " " + .InstanceId' "attaching /dev/sdg $instance"

    run ec2 attach-volume --volume-id "$volume_b" --instance-id "$instance" --device /dev/sdh
    check "attach-volume from another zone -> InvalidVolume.ZoneMismatch" fails_with InvalidVolume.ZoneMismatch

    check "volume becomes attached" poll '.Volumes[0] | .State + " " + .Attachments[0].State' "in-use attached" \
        ec2 describe-volumes --volume-ids "$volume_a"

    run ec2 detach-volume --volume-id "$volume_a"
    check "detach-volume" json_eq .State detaching

    check "volume becomes available again" poll '.Volumes[0] | .State + " \(.Attachments | length)"' "available 0" \
        ec2 describe-volumes --volume-ids "$volume_a"

    run ec2 delete-volume --volume-id "$volume_a"
    check "delete-volume" succeeds
    run ec2 delete-volume --volume-id "$volume_b"
    check "delete-volume (other zone)" succeeds
    run ec2 describe-volumes --volume-ids "$volume_a"
    check "describe-volumes deleted -> InvalidVolume.NotFound" fails_with InvalidVolume.NotFound

    run ec2 terminate-instances --instance-ids "$instance"
    check "terminate-instances (the volumes' instance)" json_eq '.TerminatingInstances[0].CurrentState.Name' shutting-down
}

# ---------------------------------------------------------------------------------------------------------------------
# EC2: secondary private IPs moving between two instances' primary interfaces (subnet B)

ec2_secondary_ips() {
    local tag=ips-$RUN_TAG ip=10.0.2.200 ids eni_a eni_b primary_a primary_b

    run ec2 run-instances --image-id "$AMI" --instance-type m5.large --count 2 --subnet-id "$SUBNET_B" \
        --tag-specifications "ResourceType=instance,Tags=[{Key=conformance-ips,Value=$tag}]"
    check "run-instances --count 2 (the secondary IP instances)" json_eq '.Instances | length' 2
    ids=($(jqr '.Instances[].InstanceId'))
    eni_a=$(jqr '.Instances[0].NetworkInterfaces[0].NetworkInterfaceId')
    eni_b=$(jqr '.Instances[1].NetworkInterfaces[0].NetworkInterfaceId')
    primary_a=$(jqr '.Instances[0].PrivateIpAddress')
    primary_b=$(jqr '.Instances[1].PrivateIpAddress')

    run ec2 assign-private-ip-addresses --network-interface-id "$eni_a" --private-ip-addresses "$ip"
    check "assign-private-ip-addresses --private-ip-addresses" json_eq \
        '.NetworkInterfaceId + " " + ([.AssignedPrivateIpAddresses[].PrivateIpAddress] | join(","))' "$eni_a $ip"

    run ec2 describe-network-interfaces --filters "Name=addresses.private-ip-address,Values=$ip"
    check "describe-network-interfaces addresses.private-ip-address: primary and secondary" json_eq \
        '[.NetworkInterfaces[] | .NetworkInterfaceId + " " + ([.PrivateIpAddresses[] | "\(.PrivateIpAddress)=\(.Primary)"] | join(","))] | join(";")' \
        "$eni_a $primary_a=true,$ip=false"

    run ec2 assign-private-ip-addresses --network-interface-id "$eni_b" --private-ip-addresses "$ip"
    check "assign-private-ip-addresses of a held address -> InvalidParameterValue" fails_with InvalidParameterValue

    run ec2 assign-private-ip-addresses --network-interface-id "$eni_b" --private-ip-addresses "$ip" --allow-reassignment
    check "assign-private-ip-addresses --allow-reassignment moves it" json_eq '.AssignedPrivateIpAddresses[0].PrivateIpAddress' "$ip"

    run ec2 describe-instances --filters "Name=network-interface.addresses.private-ip-address,Values=$ip"
    check "describe-instances network-interface.addresses.private-ip-address" json_eq \
        '[.Reservations[].Instances[] | .InstanceId + " " + ([.NetworkInterfaces[0].PrivateIpAddresses[] | select(.Primary == false) | .PrivateIpAddress] | join(","))] | join(";")' \
        "${ids[1]} $ip"

    run ec2 unassign-private-ip-addresses --network-interface-id "$eni_a" --private-ip-addresses "$ip"
    check "unassign-private-ip-addresses of a moved address -> InvalidParameterValue" fails_with InvalidParameterValue

    run ec2 unassign-private-ip-addresses --network-interface-id "$eni_b" --private-ip-addresses "$primary_b"
    check "unassign-private-ip-addresses of the primary -> InvalidParameterValue" fails_with InvalidParameterValue

    run ec2 unassign-private-ip-addresses --network-interface-id "$eni_b" --private-ip-addresses "$ip"
    check "unassign-private-ip-addresses" succeeds

    run ec2 assign-private-ip-addresses --network-interface-id "$eni_a" --secondary-private-ip-address-count 2
    check "assign-private-ip-addresses --secondary-private-ip-address-count 2" json_eq '.AssignedPrivateIpAddresses | length' 2

    run ec2 assign-private-ip-addresses --network-interface-id "$eni_a" --secondary-private-ip-address-count 8
    check "assign-private-ip-addresses beyond m5.large's 10 -> PrivateIpAddressLimitExceeded" fails_with PrivateIpAddressLimitExceeded

    run ec2 terminate-instances --instance-ids "${ids[@]}"
    check "terminate-instances (the secondary IP instances)" json_eq '[.TerminatingInstances[].CurrentState.Name] | unique | join(",")' shutting-down
}

# ---------------------------------------------------------------------------------------------------------------------
# SQS

# sqs_protocol AWS: json or query, from the request botocore builds for ListQueues.
sqs_protocol() {
    local debug
    debug=$("$1" --endpoint-url "$ENDPOINT" --debug sqs list-queues 2>&1 >/dev/null)
    if grep -q "AmazonSQS.ListQueues" <<<"$debug"; then
        echo json
    elif grep -q "'Action': 'ListQueues'" <<<"$debug"; then
        echo query
    else
        echo unknown
    fi
}

sqs_track() {
    local protocol
    if [[ -n ${SQS_AWS_CLI:-} ]]; then
        aws_works "$SQS_AWS_CLI" || { not_ok "sqs" "SQS_AWS_CLI=$SQS_AWS_CLI does not run"; return 0; }
        AWS=$SQS_AWS_CLI
    fi
    protocol=$(sqs_protocol "$AWS")
    # the emulator serves both: SQS JSON 1.0 (X-Amz-Target, newer botocore) and SQS Query (form-encoded Action=..., e.g. Debian's aws-cli 2.9)
    echo "# sqs: $AWS ($("$AWS" --version 2>&1 | head -1)), which speaks the SQS $protocol protocol"

    local queue=conformance-$RUN_TAG url body='hello from the aws cli' receipt md5 events_url
    run sqs create-queue --queue-name "$queue" --attributes VisibilityTimeout=30
    check "sqs create-queue" json_true '.QueueUrl | endswith("/'"$queue"'")'
    url=$(jqr .QueueUrl)

    run sqs get-queue-url --queue-name "$queue"
    check "sqs get-queue-url" json_eq .QueueUrl "$url"

    # the CLI checks MD5OfMessageBody and MD5OfMessageAttributes itself and fails the call on a mismatch
    run sqs send-message --queue-url "$url" --message-body "$body" \
        --message-attributes '{"kind":{"DataType":"String","StringValue":"conformance"},"n":{"DataType":"Number","StringValue":"42"}}'
    md5=$(printf '%s' "$body" | md5sum | cut -d' ' -f1)
    check "sqs send-message (the CLI validated both MD5s)" json_eq .MD5OfMessageBody "$md5"

    run sqs receive-message --queue-url "$url" --max-number-of-messages 10 --wait-time-seconds 2 \
        --message-attribute-names All --attribute-names All
    check "sqs receive-message body" json_eq '.Messages[0].Body' "$body"
    check "sqs receive-message attributes and MD5" json_true \
        '.Messages[0] | .MessageAttributes.kind.StringValue == "conformance" and .MessageAttributes.n.StringValue == "42" and .MD5OfBody == "'"$md5"'" and .Attributes.ApproximateReceiveCount == "1"'
    receipt=$(jqr '.Messages[0].ReceiptHandle')

    run sqs delete-message --queue-url "$url" --receipt-handle "$receipt"
    check "sqs delete-message" succeeds

    run sqs get-queue-attributes --queue-url "$url" --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible
    check "sqs queue empty after delete" json_eq \
        '.Attributes.ApproximateNumberOfMessages + "/" + .Attributes.ApproximateNumberOfMessagesNotVisible' "0/0"

    run sqs delete-message --queue-url "$url" --receipt-handle not-a-receipt-handle
    check "sqs delete-message bad handle -> ReceiptHandleIsInvalid" fails_with ReceiptHandleIsInvalid

    run sqs get-queue-url --queue-name "no-such-queue-$RUN_TAG"
    check "sqs get-queue-url unknown queue -> AWS.SimpleQueueService.NonExistentQueue" fails_with AWS.SimpleQueueService.NonExistentQueue

    # the emulator's EventBridge-shaped EC2 events (the EC2 tracks launch instances meanwhile)
    run sqs get-queue-url --queue-name statefulspot-events
    events_url=$(jqr .QueueUrl)
    check "sqs event queue carries EC2 state-change events" poll \
        '[.Messages[]?.Body | fromjson | select(."detail-type" == "EC2 Instance State-change Notification" and .source == "aws.ec2")] | length > 0' \
        true sqs receive-message --queue-url "$events_url" --max-number-of-messages 10 --wait-time-seconds 1
}

# ---------------------------------------------------------------------------------------------------------------------
# run

start_track ec2_paging
start_track ec2_volumes
start_track ec2_secondary_ips
start_track sqs_track
timed ec2_instances
finish_tracks

passed=$(grep -c '^ok - ' "$RESULTS")
failed=$(grep -c '^not ok - ' "$RESULTS")
skipped=$(grep -c '^skip - ' "$RESULTS")
if ((failed > 0)) && grep -q -E 'fail|error|exception' "$EMULATOR_LOG"; then
    echo "# emulator log (errors):"
    grep -E -A3 'fail|error|exception' "$EMULATOR_LOG" | head -40 | sed 's/^/#   /'
fi
((skipped > 0)) && echo "# $skipped skipped"
echo "$passed passed, $failed failed"
((failed == 0))
