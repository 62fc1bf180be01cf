"""Admin operations: revert an enrollment, switch the gateway's test/live mode."""

from __future__ import annotations

from litestar import get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.actor import Actor
from application.use_cases.gateway_mode import GatewayMode
from application.use_cases.revert_enrollment import RevertEnrollment
from entrypoints.http.money_back_schemas import GatewayModeBody, GatewayModeOut, RevertBody
from entrypoints.http.schemas import EnrollmentOut


@post("/api/v1/enrollments/{enrollment_id:str}/revert", operation_id="revertEnrollment",
      status_code=200, tags=["enrollments"],
      summary="Roll an activation back (admin; reason required, audited)")
async def revert_enrollment_handler(
        enrollment_id: FromPath[str], data: JSONBody[RevertBody], actor: NamedDependency[Actor],
        revert_enrollment: NamedDependency[RevertEnrollment]) -> EnrollmentOut:
    return EnrollmentOut.of(await revert_enrollment(actor, enrollment_id, data.reason))


@get("/api/v1/admin/gateway-mode", operation_id="getGatewayMode", tags=["admin"],
     summary="Whether new paylinks are test or live (admin)")
async def read_gateway_mode(actor: NamedDependency[Actor],
                            gateway_mode: NamedDependency[GatewayMode]) -> GatewayModeOut:
    return GatewayModeOut(mode=gateway_mode.current(actor))


@put("/api/v1/admin/gateway-mode", operation_id="setGatewayMode", tags=["admin"],
     summary="Switch new paylinks between test and live without a deploy (admin)",
     description="Production refuses test mode. The switch lives in this process: a "
                 "restart returns to IKHOKHA_TEST_MODE.")
async def change_gateway_mode(data: JSONBody[GatewayModeBody], actor: NamedDependency[Actor],
                              gateway_mode: NamedDependency[GatewayMode]) -> GatewayModeOut:
    return GatewayModeOut(mode=await gateway_mode.change(actor, data.mode))
