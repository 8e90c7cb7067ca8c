"""Reference for the reliability model's logistic regression, independent of promptly:
scipy's L-BFGS-B on the same objective (mean/population-std standardisation, unpenalised
intercept, penalty l2/2 * |w|^2 plus the summed log-loss), and the ROC AUC as the
Mann-Whitney U statistic of scipy.stats. Reads {"x": [[...]], "y": [...], "l2": λ} on stdin,
writes {"weights": [...], "intercept": b, "auc": a} (AUC of the fitted scores) on stdout."""
import json
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.stats import mannwhitneyu

data = json.load(sys.stdin)
x = np.asarray(data["x"], dtype=float)
y = np.asarray(data["y"], dtype=float)
l2 = float(data["l2"])
mean = x.mean(axis=0)
std = x.std(axis=0)
std[std <= 1e-12] = 1.0
z = (x - mean) / std
m = z.shape[1]


def objective(theta):
    w, b = theta[:m], theta[m]
    t = z @ w + b
    # log(1 + e^t) - y t, stably
    loss = np.sum(np.logaddexp(0.0, t) - y * t) + 0.5 * l2 * np.dot(w, w)
    p = 1.0 / (1.0 + np.exp(-t))
    grad = np.concatenate([z.T @ (p - y) + l2 * w, [np.sum(p - y)]])
    return loss, grad


res = minimize(objective, np.zeros(m + 1), jac=True, method="L-BFGS-B",
               options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 10000})
w, b = res.x[:m], res.x[m]
scores = z @ w + b
u = mannwhitneyu(scores[y == 1], scores[y == 0]).statistic
auc = u / (np.sum(y == 1) * np.sum(y == 0))
json.dump({"weights": w.tolist(), "intercept": float(b), "auc": float(auc)}, sys.stdout)
