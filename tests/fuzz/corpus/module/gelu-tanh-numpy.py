import math
import numpy as np
import torch
import torch.nn as nn


class GELU(nn.Module):
    def __init__(self, approximate='tanh'):
        super(GELU, self).__init__()
        self.approximate = approximate
        self.c = np.sqrt(2 / np.pi)

    def forward(self, input):
        inner = self.c * (input + 0.044715 * torch.pow(input, 3))
        return 0.5 * input * (1.0 + torch.tanh(inner))


class GELUErf(nn.Module):
    def forward(self, x):
        return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))
