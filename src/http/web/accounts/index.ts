// The account pages: sign in/out, sign-up and verification, password change and reset, profile and
// deletion, OAuth/OIDC sign-in and linking.
import { webRoutes, type Web } from "../context.ts";
import { loginRoutes } from "./login.tsx";
import { registerRoutes } from "./register.tsx";
import { passwordRoutes } from "./password.tsx";
import { profileRoutes } from "./profile.tsx";
import { oauthRoutes } from "./oauth.tsx";

export { field, formErrors } from "./forms.ts";
export { startSession } from "./login.tsx";

export function accountPages(web: Web) {
  return webRoutes("accounts", web, (r) => {
    loginRoutes(r);
    registerRoutes(r);
    passwordRoutes(r);
    profileRoutes(r);
    oauthRoutes(r);
  });
}
